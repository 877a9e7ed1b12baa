// Option lookups in an ascp argv that accept every spelling ascp accepts: "-l 100", "-l100",
// "--policy fair", "--policy=fair", and switches inside a cluster such as "-dp".
import { matches } from "./match.mjs";

// Every value given to `opt` in argv (true for a switch occurrence).
export function optionValues(argv, opt, isSwitch) {
  const values = [];
  const long = opt.startsWith("--") || /^-[A-Za-z]{2,}/.test(opt);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (long) {
      if (a === opt) values.push(isSwitch ? true : argv[i + 1]);
      else if (!isSwitch && a.startsWith(`${opt}=`)) values.push(a.slice(opt.length + 1));
      continue;
    }
    const letter = opt[1];
    if (a === opt) {
      values.push(isSwitch ? true : argv[i + 1]);
    } else if (!a.startsWith("--") && a.startsWith("-") && a.length > 2) {
      if (!isSwitch && a[1] === letter) values.push(a.slice(2));
      // A switch may sit in a cluster of switches ("-dpq").
      else if (isSwitch && /^-[A-Za-z]+$/.test(a) && a.includes(letter, 1)) values.push(true);
    }
  }
  return values;
}

// spec: { contains, excludes, ordered, options, no_options } ; returns a list of reasons.
export function checkArgv(argv, spec) {
  const why = [];
  const show = JSON.stringify(argv);
  for (const s of spec.contains ?? []) if (!argv.includes(s)) why.push(`argv lacks ${JSON.stringify(s)}: ${show}`);
  for (const s of spec.excludes ?? []) {
    if (argv.some((a) => a.includes(s))) why.push(`argv must not contain ${JSON.stringify(s)}: ${show}`);
  }
  if (spec.ordered) {
    let from = 0;
    for (const s of spec.ordered) {
      const at = argv.indexOf(s, from);
      if (at === -1) {
        why.push(`argv lacks ${JSON.stringify(s)} after position ${from} (ordered ${JSON.stringify(spec.ordered)}): ${show}`);
        break;
      }
      from = at + 1;
    }
  }
  for (const [opt, want] of Object.entries(spec.options ?? {})) {
    const isSwitch = want === true;
    const got = optionValues(argv, opt, isSwitch);
    if (got.length === 0) {
      why.push(`argv lacks option ${opt}${isSwitch ? "" : ` ${JSON.stringify(want)}`}: ${show}`);
    } else if (!isSwitch && !got.some((v) => v !== undefined && matches(want, v))) {
      why.push(`argv option ${opt} has ${JSON.stringify(got)}, expected ${JSON.stringify(want)}: ${show}`);
    }
  }
  for (const opt of spec.no_options ?? []) {
    if (optionValues(argv, opt, true).length > 0 || optionValues(argv, opt, false).length > 0) {
      why.push(`argv must not have option ${opt}: ${show}`);
    }
  }
  if (spec.last !== undefined && !matches(spec.last, argv[argv.length - 1])) {
    why.push(`last argv item ${JSON.stringify(argv[argv.length - 1])} does not match ${JSON.stringify(spec.last)}`);
  }
  return why;
}
