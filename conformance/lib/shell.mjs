// Splits a command line like a POSIX shell does for simple quoting: whitespace separates words,
// '...' is literal, "..." allows \" \\ \$ \` escapes, a backslash outside quotes escapes the next
// character. No expansion of variables, globs or substitutions.
export function splitCommand(line) {
  const words = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in ${JSON.stringify(line)}`);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && /["\\$`]/.test(line[j + 1] ?? "")) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error(`unterminated " in ${JSON.stringify(line)}`);
      i = j;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (!words.length) throw new Error("empty command line");
  return words;
}
