// A number introduced by what it is ("order 5512", "room number 737", "my phone is …") is that
// thing: not a security code, and not a group of a card assembled across spoken words.
const LABELS = [
  'order', 'invoice', 'room', 'ticket', 'account', 'reference', 'ref', 'confirmation', 'case', 'claim',
  'policy', 'extension', 'ext', 'apartment', 'apt', 'suite', 'flight', 'unit', 'zip', 'po', 'box',
  'model', 'item', 'tracking', 'phone', 'cell', 'mobile', 'fax', 'telephone', 'callback', 'postal', 'member',
  'customer', 'serial', 'sku', 'routing', 'id', 'street', 'pedido', 'factura', 'cuenta', 'tel[eé]fono', 'celular',
  String.raw`call(?:\s+me)?(?:\s+back)?\s+(?:at|on)`, String.raw`reach\s+me\s+(?:at|on)`, String.raw`text\s+me\s+at`, 'dial',
];
const LABEL_BEFORE = new RegExp(
  String.raw`(?<!\p{L})(?:${LABELS.join('|')})(?!\p{L})[^\p{L}\p{N}]*` +
    String.raw`(?:(?:number|no|num|n[uú]mero|#|is|was|es|de|del)(?!\p{L})[^\p{L}\p{N}]*)*$`,
  'iu',
);

/** True when the words right before `start` name what the number is ("order number", "phone"). */
export function labelledBefore(text: string, start: number): boolean {
  return LABEL_BEFORE.test(text.slice(Math.max(0, start - 40), start));
}
