export { classifySql, hasRowLimit, applyRowLimit, type SqlClass, type SqlClassification, type ClassifyOptions } from './classify';
export { tokenize, splitStatements, type Token, type Tokenized } from './tokenize';
