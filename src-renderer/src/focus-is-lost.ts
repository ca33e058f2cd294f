/**
 * Nothing has the focus: the element that had it went away (a Stop button when its drill ended), or
 * its page was hidden (a link that opened another page). Only then may the app put the focus
 * somewhere of its own choosing; a user who has moved it is left where they are.
 */
export function focusIsLost(): boolean {
  const at = document.activeElement;
  return at === null || at === document.body || !at.checkVisibility();
}
