/** A payment network's issuer prefixes (IIN ranges) and the PAN lengths it issues. */
interface CardBrand {
  name: string;
  prefix: RegExp;
  lengths: readonly number[];
}

// The published IIN ranges. Used where a number is assembled across spoken words ("okay",
// "the middle is"): there any Luhn-valid digits would glue together one time in ten, so the
// result must also look like a card some network actually issues.
const BRANDS: readonly CardBrand[] = [
  { name: 'visa', prefix: /^4/, lengths: [13, 16, 19] },
  { name: 'mastercard', prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] },
  { name: 'amex', prefix: /^3[47]/, lengths: [15] },
  { name: 'discover', prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] },
  { name: 'diners', prefix: /^(?:30[0-59]|3[689])/, lengths: [14, 15, 16, 17, 18, 19] },
  { name: 'jcb', prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { name: 'unionpay', prefix: /^62/, lengths: [16, 17, 18, 19] },
  { name: 'maestro', prefix: /^(?:5018|5020|5038|5893|6304|6759|676[1-3]|6390)/, lengths: [13, 14, 15, 16, 17, 18, 19] },
  { name: 'mir', prefix: /^220[0-4]/, lengths: [16, 17, 18, 19] },
];

/** The network whose IIN range and lengths fit `digits`, or undefined. Luhn is not checked here. */
export function cardBrand(digits: string): string | undefined {
  return BRANDS.find((brand) => brand.lengths.includes(digits.length) && brand.prefix.test(digits))?.name;
}
