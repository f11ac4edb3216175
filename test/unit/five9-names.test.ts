import { describe, expect, it } from 'vitest';
import { parseNamePattern, type NamePattern } from '../../src/five9/name-pattern.ts';
import { NO_PATTERN_REASON, parseFive9Path } from '../../src/five9/parse-five9-path.ts';
import type { CallMetadata } from '../../src/recording.ts';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const LONDON = 'Europe/London';

const ACME = parseNamePattern(
  String.raw`acme=(?<agent>[^_]+)_(?<caller>\d+)_(?<date>\d{8})_(?<time>\d{6})(?:_(?<ivrModule>[^.]+))?\.wav`,
);
const SPLIT_TIME = parseNamePattern(
  String.raw`(?<campaign>[^_]+)__(?<caller>\d+)__(?<hour>\d{1,2})h(?<minute>\d\d)m(?<second>\d\d)s(?<ampm>am|pm)\.wav`,
);
const WITH_YMD = parseNamePattern(
  String.raw`ymd=rec-(?<year>\d{2})(?<month>\d\d)(?<day>\d\d)-(?<time>\d\d:\d\d)-(?<legId>\d+)\.wav`,
);

interface Row {
  /** What the row demonstrates. */
  why: string;
  path: string;
  timeZone?: string;
  patterns?: NamePattern[];
  call: CallMetadata;
  needsAttention?: string;
}

const jdoe = { agent: 'jdoe@example.com', leg: 'agent' } as const;
const renewals = { nameShape: 'default', caller: '5551234567', campaign: 'Outbound - Renewals' } as const;
const ids = { nameShape: 'ids', legId: '300000001234567', interactionId: '300000007654321', caller: '5551234567' } as const;
const noMatch = (path: string, why: string, needsAttention = NO_PATTERN_REASON): Row => ({ why, path, call: {}, needsAttention });

const rows: Row[] = [
  // ── default shape: <caller><Campaign> by <agent> @ h_mm_ss AM|PM[_<IVR module>].wav
  { why: 'reference example, EST', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T20:24:43.000Z' } },
  { why: 'IVR leg: empty agent + _CallStudio', path: 'recordings/2_3_2026/5551234567Inbound Sales by  @ 9_05_12 AM_CallStudio.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Inbound Sales', leg: 'ivr', ivrModule: 'CallStudio', callTime: '2026-02-03T14:05:12.000Z' } },
  { why: 'IVR leg: empty agent alone', path: 'recordings/2_3_2026/5551234567Inbound Sales by  @ 9_05_12 AM.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Inbound Sales', leg: 'ivr', callTime: '2026-02-03T14:05:12.000Z' } },
  { why: 'IVR module with a space', path: 'recordings/2_3_2026/5551234567Inbound Sales by  @ 9_04_58 AM_Ivr Module.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Inbound Sales', leg: 'ivr', ivrModule: 'Ivr Module', callTime: '2026-02-03T14:04:58.000Z' } },
  { why: 'IVR suffix wins over a named agent', path: 'recordings/2_3_2026/5551234567Inbound Sales by jdoe @ 10_00_00 AM_Ivr Module.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Inbound Sales', agent: 'jdoe', leg: 'ivr', ivrModule: 'Ivr Module', callTime: '2026-02-03T15:00:00.000Z' } },
  { why: 'Anonymous caller, campaign glued', path: 'recordings/2_3_2026/AnonymousInbound Sales by jdoe @ 11_59_59 PM.wav',
    call: { nameShape: 'default', caller: 'Anonymous', campaign: 'Inbound Sales', agent: 'jdoe', leg: 'agent', callTime: '2026-02-04T04:59:59.000Z' } },
  { why: 'Anonymous caller, campaign after a space', path: 'recordings/2_3_2026/Anonymous Support by jdoe @ 1_00_00 PM.wav',
    call: { nameShape: 'default', caller: 'Anonymous', campaign: 'Support', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T18:00:00.000Z' } },
  { why: '17-digit international caller', path: 'recordings/2_3_2026/44207946095812345Intl - Support by agent.one @ 4_15_00 PM.wav',
    call: { nameShape: 'default', caller: '44207946095812345', campaign: 'Intl - Support', agent: 'agent.one', leg: 'agent', callTime: '2026-02-03T21:15:00.000Z' } },
  { why: '11-digit caller with country code', path: 'recordings/2_3_2026/15551234567Outbound by jdoe @ 8_00_00 AM.wav',
    call: { nameShape: 'default', caller: '15551234567', campaign: 'Outbound', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T13:00:00.000Z' } },
  { why: 'no campaign at all', path: 'recordings/2_3_2026/5551234567 by jdoe @ 8_00_00 AM.wav',
    call: { nameShape: 'default', caller: '5551234567', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T13:00:00.000Z' } },
  { why: '" by " inside the campaign', path: 'recordings/2_3_2026/5551234567Drive by Sales by jdoe @ 2_00_00 PM.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Drive by Sales', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T19:00:00.000Z' } },
  { why: 'hyphenated campaign without spaces', path: 'recordings/2_3_2026/5551234567Win-Back by jdoe @ 2_00_00 PM.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Win-Back', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T19:00:00.000Z' } },
  { why: '12 AM is midnight', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_00_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T05:00:00.000Z' } },
  { why: '12:59:59 AM is still the first hour', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_59_59 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T05:59:59.000Z' } },
  { why: '12 PM is noon', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_30_15 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T17:30:15.000Z' } },
  { why: '11:59:59 AM', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 11_59_59 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T16:59:59.000Z' } },
  { why: '1 PM is 13:00', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_00_00 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T18:00:00.000Z' } },
  { why: 'padded hour tolerated', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 09_05_12 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T14:05:12.000Z' } },
  { why: 'lower-case pm and .WAV', path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 pm.WAV',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T20:24:43.000Z' } },

  // ── ids shape: <legId>-<interactionId>-<caller> by <agent> @ …
  { why: 'ids shape, variant A layout', path: 'Sales Team/2_3_2026/300000001234567-300000007654321-5551234567 by jdoe@example.com @ 9_05_12 AM.wav',
    call: { ...ids, ...jdoe, callTime: '2026-02-03T14:05:12.000Z' } },
  { why: 'ids shape IVR leg', path: 'Sales Team/2_3_2026/300000001234560-300000007654321-5551234567 by  @ 9_04_40 AM_CallStudio.wav',
    call: { ...ids, legId: '300000001234560', leg: 'ivr', ivrModule: 'CallStudio', callTime: '2026-02-03T14:04:40.000Z' } },
  { why: 'ids shape IVR leg, module with a space', path: 'Sales Team/2_3_2026/300000001234561-300000007654321-5551234567 by  @ 9_04_50 AM_Ivr Module.wav',
    call: { ...ids, legId: '300000001234561', leg: 'ivr', ivrModule: 'Ivr Module', callTime: '2026-02-03T14:04:50.000Z' } },
  { why: 'ids shape, anonymous caller', path: 'Sales Team/2_3_2026/300000001234999-300000007654321-Anonymous by jdoe @ 9_10_00 AM.wav',
    call: { nameShape: 'ids', legId: '300000001234999', interactionId: '300000007654321', caller: 'Anonymous', agent: 'jdoe', leg: 'agent', callTime: '2026-02-03T14:10:00.000Z' } },
  { why: 'ids shape, 17-digit caller, PM', path: 'Support/12_12_2025/300000001234568-300000007654322-44207946095812345 by agent.two @ 4_01_02 PM.wav',
    call: { nameShape: 'ids', legId: '300000001234568', interactionId: '300000007654322', caller: '44207946095812345', agent: 'agent.two', leg: 'agent', callTime: '2025-12-12T21:01:02.000Z' } },
  { why: 'ids shape with a short login', path: 'Sales Team/2_3_2026/300000001234570-300000007654321-5551234567 by jdoe2 @ 9_30_00 AM.wav',
    call: { ...ids, legId: '300000001234570', agent: 'jdoe2', leg: 'agent', callTime: '2026-02-03T14:30:00.000Z' } },

  // ── session-id shape
  { why: '32-hex session id', path: 'recordings/2_3_2026/C3A5F8E1D2B44D6A9B0E1F2A3B4C5D6E.wav',
    call: { nameShape: 'session', interactionId: 'C3A5F8E1D2B44D6A9B0E1F2A3B4C5D6E' } },
  { why: 'UUID session id', path: 'recordings/2_3_2026/c3a5f8e1-d2b4-4d6a-9b0e-1f2a3b4c5d6e.wav',
    call: { nameShape: 'session', interactionId: 'c3a5f8e1-d2b4-4d6a-9b0e-1f2a3b4c5d6e' } },
  { why: 'numeric session id', path: '300000007654321.wav', call: { nameShape: 'session', interactionId: '300000007654321' } },

  // ── day folders
  { why: 'unpadded single-digit folder', path: 'recordings/1_6_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-01-06T20:24:43.000Z' } },
  { why: 'padded folder', path: 'recordings/01_06_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-01-06T20:24:43.000Z' } },
  { why: 'two-digit month and day', path: 'recordings/12_12_2025/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2025-12-12T20:24:43.000Z' } },
  { why: 'day folder not the direct parent', path: 'root/Sales Team/2_3_2026/late/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T20:24:43.000Z' } },
  { why: 'nearest of two day folders', path: 'archive/1_1_2026/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T20:24:43.000Z' } },
  { why: 'leap day exists in 2028', path: 'recordings/2_29_2028/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2028-02-29T20:24:43.000Z' } },
  { why: 'no day folder: no callTime, never mtime', path: 'inbox/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe } },
  { why: 'bare file name', path: '5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav', call: { ...renewals, ...jdoe } },
  { why: 'ISO folder is not a Five9 day folder', path: 'recordings/2026-02-03/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe } },
  { why: 'two-digit year folder is not a day folder', path: 'recordings/2_3_26/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe } },
  { why: 'February 30th does not exist', path: 'recordings/2_30_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe }, needsAttention: 'day folder "2_30_2026" is not a real date; callTime omitted' },
  { why: 'no leap day in 2026', path: 'recordings/2_29_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe }, needsAttention: 'day folder "2_29_2026" is not a real date; callTime omitted' },
  { why: 'month 13', path: 'recordings/13_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe }, needsAttention: 'day folder "13_1_2026" is not a real date; callTime omitted' },
  { why: 'month 0, and no fallback to a folder further up', path: '1_5_2026/0_5_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe }, needsAttention: 'day folder "0_5_2026" is not a real date; callTime omitted' },

  // ── DST edges, New York (EST −5 / EDT −4; 2026-03-08 and 2026-11-01)
  { why: 'NY last second before spring-forward', path: 'r/3_8_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_59_59 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-08T06:59:59.000Z' } },
  { why: 'NY 02:30 never happened: read as 03:30 EDT', path: 'r/3_8_2026/5551234567Outbound - Renewals by jdoe@example.com @ 2_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-08T07:30:00.000Z' } },
  { why: 'NY 03:00 EDT', path: 'r/3_8_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_00_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-08T07:00:00.000Z' } },
  { why: 'NY summer afternoon', path: 'r/7_4_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-07-04T19:24:43.000Z' } },
  { why: 'NY 00:59:59 before fall-back is EDT', path: 'r/11_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_59_59 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-11-01T04:59:59.000Z' } },
  { why: 'NY 01:30 happened twice: the earlier (EDT)', path: 'r/11_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-11-01T05:30:00.000Z' } },
  { why: 'NY 02:00 after fall-back is EST', path: 'r/11_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 2_00_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-11-01T07:00:00.000Z' } },

  // ── DST edges, Los Angeles (PST −8 / PDT −7) and London (GMT / BST +1; 2026-03-29, 2026-10-25)
  { why: 'LA 02:30 never happened: read as 03:30 PDT', timeZone: LA, path: 'r/3_8_2026/5551234567Outbound - Renewals by jdoe@example.com @ 2_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-08T10:30:00.000Z' } },
  { why: 'LA 01:30 twice: the earlier (PDT)', timeZone: LA, path: 'r/11_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-11-01T08:30:00.000Z' } },
  { why: 'LA noon in summer', timeZone: LA, path: 'r/7_4_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_00_00 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-07-04T19:00:00.000Z' } },
  { why: 'LA 11 PM crosses the UTC day', timeZone: LA, path: 'r/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 11_00_00 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-04T07:00:00.000Z' } },
  { why: 'London 01:30 never happened: read as 02:30 BST', timeZone: LONDON, path: 'r/3_29_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-29T01:30:00.000Z' } },
  { why: 'London 01:30 twice: the earlier (BST)', timeZone: LONDON, path: 'r/10_25_2026/5551234567Outbound - Renewals by jdoe@example.com @ 1_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-10-25T00:30:00.000Z' } },
  { why: 'London midnight in winter', timeZone: LONDON, path: 'r/1_15_2026/5551234567Outbound - Renewals by jdoe@example.com @ 12_00_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-01-15T00:00:00.000Z' } },
  { why: 'US spring-forward date means nothing in London', timeZone: LONDON, path: 'r/3_8_2026/5551234567Outbound - Renewals by jdoe@example.com @ 2_30_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-03-08T02:30:00.000Z' } },
  { why: 'UTC domain', timeZone: 'UTC', path: 'r/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T15:24:43.000Z' } },
  { why: 'Chicago CDT (reference log example)', timeZone: 'America/Chicago', path: 'recordings/8_19_2026/5551234567Inbound by jdoe @ 12_30_13 PM.wav',
    call: { nameShape: 'default', caller: '5551234567', campaign: 'Inbound', agent: 'jdoe', leg: 'agent', callTime: '2026-08-19T17:30:13.000Z' } },
  { why: 'Tokyo morning is the previous UTC day', timeZone: 'Asia/Tokyo', path: 'r/1_1_2026/5551234567Outbound - Renewals by jdoe@example.com @ 8_00_00 AM.wav',
    call: { ...renewals, ...jdoe, callTime: '2025-12-31T23:00:00.000Z' } },

  // ── names that match nothing: never guessed
  noMatch('recordings/2_3_2026/garbage.wav', 'garbage'),
  noMatch('recordings/2_3_2026/notes.txt', 'not a recording'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 3_24_43 PM.mp3', 'not .wav'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 13_05_00 PM.wav', 'hour 13 in a 12-hour clock'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 0_05_00 AM.wav', 'hour 0 in a 12-hour clock'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 3_5_00 PM.wav', 'unpadded minutes'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 3_24_61 PM.wav', 'second 61'),
  noMatch('recordings/2_3_2026/5551234567Outbound by jdoe @ 3_24_43.wav', 'no AM/PM'),
  noMatch('recordings/2_3_2026/5551234567Outbound by John Doe @ 3_24_43 PM.wav', 'agent with a space'),
  noMatch('recordings/2_3_2026/5551234567.wav', 'a bare phone number is not a session id'),
  noMatch('recordings/2_3_2026/123456789012345678901Sales by jdoe @ 3_24_43 PM.wav', '21-digit caller'),
  noMatch('recordings/2_3_2026/Outbound by jdoe @ 3_24_43 PM.wav', 'no caller'),
  noMatch('recordings/2_3_2026/', 'no file name'),

  // ── customer patterns (FIVE9_NAME_PATTERN)
  { why: 'custom: date and time in the name, DST gap', patterns: [ACME], path: 'drop/jdoe_5551234567_20260308_023000.wav',
    call: { nameShape: 'acme', agent: 'jdoe', leg: 'agent', caller: '5551234567', callTime: '2026-03-08T07:30:00.000Z' } },
  { why: 'custom: a date in the name wins over the folder', patterns: [ACME], path: 'recordings/2_3_2026/jdoe_5551234567_20260704_153000.wav',
    call: { nameShape: 'acme', agent: 'jdoe', leg: 'agent', caller: '5551234567', callTime: '2026-07-04T19:30:00.000Z' } },
  { why: 'custom: IVR module group', patterns: [ACME], path: 'drop/ivr_5551234567_20260203_090000_Main Menu.wav',
    call: { nameShape: 'acme', agent: 'ivr', caller: '5551234567', ivrModule: 'Main Menu', leg: 'ivr', callTime: '2026-02-03T14:00:00.000Z' } },
  { why: 'custom: split time groups + day folder, unnamed', patterns: [SPLIT_TIME], path: 'recordings/2_3_2026/Collections__5551234567__12h05m09sam.wav',
    call: { nameShape: 'custom', campaign: 'Collections', caller: '5551234567', callTime: '2026-02-03T05:05:09.000Z' } },
  { why: 'custom: year/month/day groups, 24-hour time', patterns: [WITH_YMD], timeZone: LA, path: 'x/rec-261101-01:30-42.wav',
    call: { nameShape: 'ymd', legId: '42', callTime: '2026-11-01T08:30:00.000Z' } },
  { why: 'custom patterns are tried before the built-ins', patterns: [parseNamePattern(String.raw`mine=(?<caller>\d+)(?<campaign>.*) by .*\.wav`)],
    path: 'recordings/2_3_2026/5551234567Outbound by jdoe @ 3_24_43 PM.wav',
    call: { nameShape: 'mine', caller: '5551234567', campaign: 'Outbound' } },
  { why: 'built-ins still apply next to a custom pattern', patterns: [ACME],
    path: 'recordings/2_3_2026/5551234567Outbound - Renewals by jdoe@example.com @ 3_24_43 PM.wav',
    call: { ...renewals, ...jdoe, callTime: '2026-02-03T20:24:43.000Z' } },
  { why: 'custom: an impossible date in the name is not guessed', patterns: [ACME], path: 'drop/jdoe_5551234567_20260230_153000.wav',
    call: {}, needsAttention: `${NO_PATTERN_REASON} (pattern "acme" matched but its date is not a real date)` },
];

describe('parseFive9Path', () => {
  it('has a table of at least 60 paths', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  it.each(rows)('$why: $path', (row) => {
    const result = parseFive9Path(row.path, { timeZone: row.timeZone ?? NY, ...(row.patterns ? { patterns: row.patterns } : {}) });
    const expected = row.needsAttention === undefined ? { call: row.call } : { call: row.call, needsAttention: row.needsAttention };
    expect(result).toStrictEqual(expected);
  });

  it('reports an impossible custom time with its reason', () => {
    const result = parseFive9Path('drop/jdoe_5551234567_20260203_253000.wav', { timeZone: NY, patterns: [ACME] });
    expect(result).toStrictEqual({
      call: {},
      needsAttention: `${NO_PATTERN_REASON} (pattern "acme" matched but its time is not a valid time of day)`,
    });
  });

  it('rejects an unknown time zone as a configuration error', () => {
    expect(() => parseFive9Path('a.wav', { timeZone: 'Mars/Olympus_Mons' })).toThrow(/unknown IANA time zone "Mars\/Olympus_Mons"/);
  });

  it('links the legs of one interaction by interactionId', () => {
    const legs = [
      'S/2_3_2026/300000001234560-300000007654321-5551234567 by  @ 9_04_40 AM_CallStudio.wav',
      'S/2_3_2026/300000001234567-300000007654321-5551234567 by jdoe @ 9_05_12 AM.wav',
      'S/2_3_2026/300000001234580-300000007654321-5551234567 by asmith @ 9_12_00 AM.wav',
    ].map((path) => parseFive9Path(path, { timeZone: NY }).call);
    expect(new Set(legs.map((call) => call.interactionId))).toEqual(new Set(['300000007654321']));
    expect(legs.map((call) => call.leg)).toEqual(['ivr', 'agent', 'agent']);
  });
});

describe('parseNamePattern', () => {
  it('names the pattern and anchors it', () => {
    expect(ACME.name).toBe('acme');
    expect(ACME.regex.test('xjdoe_5551234567_20260308_023000.wav.bak')).toBe(false);
    expect(parseNamePattern('(?<caller>\\d+)\\.wav').name).toBe('custom');
  });

  it.each([
    ['', 'FIVE9_NAME_PATTERN: is empty'],
    ['   ', 'FIVE9_NAME_PATTERN: is empty'],
    ['(?<caller>\\d+', 'FIVE9_NAME_PATTERN: not a valid regular expression'],
    ['\\d+\\.wav', 'FIVE9_NAME_PATTERN: has no named groups'],
    ['(?<phone>\\d+)_(?<user>\\w+)\\.wav', 'FIVE9_NAME_PATTERN: unknown group names "phone", "user"; allowed: caller, agent'],
    ['(?<caller>\\d+)_(?<Agent>\\w+)', 'FIVE9_NAME_PATTERN: unknown group name "Agent"'],
    ['(?<time>\\d+)(?<hour>\\d+)(?<minute>\\d+)', 'FIVE9_NAME_PATTERN: use either (?<time>…)'],
    ['(?<hour>\\d+)\\.wav', 'FIVE9_NAME_PATTERN: (?<hour>…) needs (?<minute>…)'],
    ['(?<minute>\\d+)\\.wav', 'FIVE9_NAME_PATTERN: (?<minute>…) and (?<second>…) need (?<hour>…)'],
    ['(?<caller>\\d+)(?<ampm>AM|PM)', 'FIVE9_NAME_PATTERN: (?<ampm>…) needs (?<hour>…) or (?<time>…)'],
    ['(?<date>\\d+)(?<year>\\d{4})', 'FIVE9_NAME_PATTERN: use either (?<date>…)'],
    ['(?<year>\\d{4})(?<month>\\d\\d)', 'FIVE9_NAME_PATTERN: (?<year>…), (?<month>…) and (?<day>…) go together'],
    ['default=(?<caller>\\d+)', 'FIVE9_NAME_PATTERN: name "default" is reserved'],
  ])('rejects %j', (spec, message) => {
    expect(() => parseNamePattern(spec)).toThrow(message);
  });
});
