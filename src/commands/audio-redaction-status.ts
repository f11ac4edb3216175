import { audioEncoders } from '../audio/audio-encoders.ts';
import type { Config } from '../config.ts';

/**
 * The doctor's `audio` line: what happens to the spoken card numbers in the audio this service
 * keeps, and — plainly — where an unredacted copy still exists outside it.
 */
export async function audioRedactionStatus(config: Config): Promise<string> {
  const parts: string[] = [];
  if (config.redact.length === 0) parts.push('REDACT=none: nothing is masked, in text or audio');
  else if (config.redactAudio === 'off') parts.push('REDACT_AUDIO=off: the archived audio and the Notion MP3 still hold spoken card numbers');
  else {
    const encoders = await audioEncoders();
    const gsm = encoders.has('gsm_ms') ? 'GSM WAVs stay GSM' : 'GSM WAVs stay GSM when muted; beeped ones become FLAC (this ffmpeg has no GSM encoder)';
    parts.push(`REDACT_AUDIO=${config.redactAudio}: masked spans are ${config.redactAudio === 'mute' ? 'muted' : 'beeped'} in processed/ and the Notion MP3; ${gsm}`);
  }
  if (config.sftp && config.sftp.afterSuccess === 'leave') {
    parts.push('SFTP_AFTER_SUCCESS=leave: the UNREDACTED original stays on the SFTP server (spoken card numbers included); set move or delete, or purge it there');
  }
  return parts.join('; ');
}
