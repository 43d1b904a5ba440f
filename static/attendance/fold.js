/* Folding of names for matching, the same as regions.names.fold in Python (a test runs both on
   tests/attendance/fold_cases.json): lower case, Latin accents removed, Arabic diacritics and
   tatweel removed, alef forms -> ا, ة -> ه, ى -> ي, ؤ/ئ -> و/ي, punctuation -> single spaces,
   and Arabic-Indic digits -> Western ones (main's fold since the search work; the table holds no
   such digit until this branch meets it). */
(function (root) {
  "use strict";

  const DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  const LETTERS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي" };
  const LETTER = /[أإآٱةىؤئکی]/g;
  // Python's unicodedata.combining(ch) != 0: the non-spacing and enclosing marks.
  const COMBINING = /[\p{Mn}\p{Me}]/gu;
  // Python's [\W_]+: anything but letters and numbers.
  const SEPARATORS = /[^\p{L}\p{N}]+/gu;

  function fold(text) {
    if (!text) {
      return "";
    }
    let value = String(text).normalize("NFKC");
    value = value.replace(DIACRITICS, "").replace(LETTER, (ch) => LETTERS[ch]);
    value = value.normalize("NFKD").replace(COMBINING, "");
    // Python's casefold, for the letters our names meet: lower case, ß -> ss.
    value = value.normalize("NFKC").toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ");
    value = value.replace(/['’]/g, " ");
    return westernDigits(value.replace(SEPARATORS, " ").trim());
  }

  // Arabic-Indic (٠-٩) and Persian (۰-۹) digits as Western ones, as main's fold does since the
  // search work: "٠٦٦١" is "0661".
  function westernDigits(text) {
    return text.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) & 0xf));
  }

  root.TrackerFold = { fold, westernDigits };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { fold, westernDigits };
  }
})(typeof self !== "undefined" ? self : this);
