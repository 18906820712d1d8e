// The audit console: auditors sign in with the organisation's OpenID provider and read requests
// as HTML pages served by the API. Other folders import only from here.
export { createConsoleRouter, safeReturnPath, CONSOLE_CSP, consoleCsp, type ConsoleOptions } from './router';
export { consoleSettings, ConsoleSettingsError, type ConsoleSettings } from './settings';
export { escapeHtml, html, Html } from './html';
export { parseFindQuery, FilterError } from './filters';
export { findPage } from './pages/find';
