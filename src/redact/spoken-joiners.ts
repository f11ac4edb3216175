// How people fill the gaps while reading a card out, and what the other party says into them
// on a mono call. Every entry is a whole word or phrase; nothing else may stand in the gap, so
// any other word ("order", "phone", "born", "dollars") ends the number.

// Announcements that contain a digit word ("the next four are"): the "four" is not part of the
// card, so its token is dropped before cards are searched.
const ANNOUNCEMENT_EN =
  String.raw`(?:the\s+)?(?:first|next|last|final|remaining|other|following|second|third)\s+` +
  String.raw`(?:two|three|four|five|six|2|3|4|5|6)(?:\s+(?:digits?|numbers?))?(?:\s+(?:are|is|would\s+be|will\s+be))?`;
const ANNOUNCEMENT_ES =
  String.raw`(?:los\s+)?(?:(?:primeros|siguientes|[uú]ltimos|otros)\s+(?:dos|tres|cuatro|cinco|seis)|` +
  String.raw`(?:dos|tres|cuatro|cinco|seis)\s+(?:primeros|siguientes|[uú]ltimos))` +
  String.raw`(?:\s+(?:d[ií]gitos|n[uú]meros))?(?:\s+son)?`;

/** Where an announcement with a digit word in it stands; tokens inside are not digits. */
export const GROUP_ANNOUNCEMENT = new RegExp(
  String.raw`(?<!\p{L})(?:${ANNOUNCEMENT_EN}|${ANNOUNCEMENT_ES})(?!\p{L})`,
  'giu',
);

const PHRASES = [
  // hesitations and back-channels ("mm-hmm" = "mm" "-" "hmm": the hyphen is punctuation)
  'uh', 'uhm', 'um', 'umm', 'er', 'erm', 'ah', 'hmm', 'hm', 'mm', 'mhm', 'huh',
  'okay', 'ok', 'o\\.k\\.', 'yes', 'yeah', 'yep', 'yup', 'right', 'alright', 'all\\s+right', 'sure', 'correct',
  'perfect', 'great', 'got\\s+it', 'got\\s+that', 'go\\s+ahead', 'go\\s+on', 'keep\\s+going', 'continue',
  // the caller losing their place: "sorry", "wait", "hold on", "let me see"
  'sorry', 'wait', 'hold\\s+on', 'hang\\s+on', 'let\\s+me\\s+(?:see|check)', 'where\\s+was\\s+i',
  // connecting words and announcements of the next group
  'and', 'then', 'next', 'so', "that's", 'that\\s+is', "it's", 'followed\\s+by', 'after\\s+that',
  '(?:the\\s+)?(?:middle|rest|end|next\\s+(?:ones?|part|group|set)|last\\s+(?:ones?|part|group|set))' +
    '(?:\\s+(?:digits|numbers))?\\s+(?:is|are|would\\s+be)',
  '(?:it\\s+)?(?:ends|ending|finishes)\\s+(?:in|with)', '(?:it\\s+)?(?:starts|starting|begins)\\s+with',
  // Spanish
  'sí', 'si', 'vale', 'y', 'luego', 'después', 'despues', 'bueno', 'ajá', 'aja', 'claro', 'correcto', 'perfecto',
  'listo', 'sigue', 'siga', 'adelante', 'entonces', 'eh', 'este', 'mjm',
  'perd[oó]n', 'espera', 'a\\s+ver',
  '(?:y\\s+)?(?:termina|acaba)\\s+en', '(?:empieza|comienza)\\s+(?:con|por)',
  '(?:el|los)\\s+siguientes?(?:\\s+(?:es|son))?', '(?:el\\s+)?(?:del\\s+)?medio\\s+(?:es|son)',
];

// Bounded so the test of a long gap fails at once instead of trying every way to parse it.
const MAX_GAP_CHARS = 80;

/**
 * What may stand between two digit groups of a card read out loud: punctuation (`, . - /`),
 * line breaks, and any sequence of the phrases above. Only for cards that must also pass the
 * issuer check (see `findSpokenCards`): these words join unrelated numbers too.
 */
export const SPOKEN_JOINER = new RegExp(
  String.raw`^(?=[\s\S]{0,${MAX_GAP_CHARS}}$)(?:[\s,.;:!?…"“”'()\-\u2013\u2014/]|` +
    String.raw`(?<!\p{L})(?:${ANNOUNCEMENT_EN}|${ANNOUNCEMENT_ES}|${PHRASES.join('|')})(?!\p{L}))*$`,
  'iu',
);
