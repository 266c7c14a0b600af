/**
 * Code evaluated inside every fresh QuickJS context.
 *
 * CORE_SOURCE runs *before* the admin's expression and captures the built-ins the host relies on
 * (JSON, Reflect, Object.freeze) while they are still pristine, so an expression that overwrites
 * `JSON.stringify` only spoils its own result, which is parsed and validated on the host anyway.
 * It is kept small on purpose: compiling it is the largest fixed cost of an evaluation
 * (≈0.1 ms for this size, twice that for a prelude with the helpers and `describe` inlined).
 * The helpers are therefore only compiled for expressions that mention them, and DESCRIBE_SOURCE
 * only when something failed.
 */

/** Helpers mirroring authentik's expression built-ins, visible to every expression. */
export const HELPER_NAMES = ['list_flatten', 'regex_match', 'regex_replace'] as const;
export const HELPER_REFERENCE = /\b(?:list_flatten|regex_match|regex_replace)\b/;

/** Evaluates to a frozen `[prepare(json, extraArgs), invoke(fn, args), serialize(value)]`. */
export const CORE_SOURCE = String.raw`(function () {
  "use strict";
  const parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze;
  const isFrozen = Object.isFrozen, ownKeys = Reflect.ownKeys, apply = Reflect.apply;
  function deepFreeze(value) {
    if (value !== null && typeof value === "object" && !isFrozen(value)) {
      freeze(value);
      const keys = ownKeys(value);
      for (let i = 0; i < keys.length; i++) deepFreeze(value[keys[i]]);
    }
    return value;
  }
  return freeze([
    function prepare(json, extra) { return deepFreeze(parse(json)).concat(extra); },
    function invoke(fn, args) { return apply(fn, undefined, args); },
    function serialize(value) { const text = stringify(value); return text === undefined ? "null" : text; },
  ]);
})()`;

/** Evaluates to the helper functions, in HELPER_NAMES order. */
export const HELPERS_SOURCE = String.raw`(function () {
  "use strict";
  const isArray = Array.isArray, RegExpCtor = RegExp, StringCtor = String, freeze = Object.freeze;
  // authentik: first item of a list (None for an empty list), anything else unchanged.
  function list_flatten(value) {
    if (isArray(value)) return value.length < 1 ? null : value[0];
    return value;
  }
  // authentik: re.search(regex, value) is not None (JavaScript regular-expression syntax here).
  function regex_match(value, regex) { return new RegExpCtor(regex).test(StringCtor(value)); }
  // authentik: re.sub(regex, repl, value): every match replaced; "$1" refers to a group.
  function regex_replace(value, regex, replacement) {
    return StringCtor(value).replace(new RegExpCtor(regex, "g"), replacement);
  }
  return [freeze(list_flatten), freeze(regex_match), freeze(regex_replace)];
})()`;

/**
 * Evaluates to `describe(error) → [name, message, line]`, compiled only after a failure. Never
 * throws: a thrown value may be anything (a Proxy, an object with throwing getters, …). It
 * returns a fresh array literal so the host can read plain own data properties.
 */
export const DESCRIBE_SOURCE = String.raw`(function (error) {
  "use strict";
  let name = "", message = "", line = -1;
  try {
    if (error !== null && (typeof error === "object" || typeof error === "function")) {
      const n = error.name, m = error.message, l = error.lineNumber;
      if (typeof n === "string") name = n;
      if (typeof m === "string") message = m;
      if (typeof l === "number") line = l;
      if (name === "" && message === "") message = "" + error;
    } else {
      message = "" + error;
    }
  } catch (_) {
    if (message === "") message = "uncaught exception";
  }
  return [name, message, line];
})`;
