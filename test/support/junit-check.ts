import { childrenNamed, parseXml, type XmlElement } from './xml-tree';

/**
 * Checks a JUnit XML document against the structure of the JUnit schema CI systems read
 * (testsuites > testsuite > properties?, testcase*, system-out?, system-err?; testcase >
 * failure | error | skipped) and that every count agrees with the cases. Throws naming the first
 * departure; returns the parsed document.
 */
export function checkJUnit(xml: string): XmlElement {
  const root = parseXml(xml);
  const fail = (what: string): never => {
    throw new Error(`JUnit: ${what}`);
  };
  const count = (el: XmlElement, attr: string): number => {
    const v = el.attributes[attr];
    if (v === undefined || !/^\d+$/.test(v)) fail(`<${el.name}> needs a whole-number ${attr}= (got ${String(v)})`);
    return Number(v);
  };
  const seconds = (el: XmlElement): void => {
    const t = el.attributes.time;
    if (t !== undefined && !/^\d+(\.\d+)?$/.test(t)) fail(`<${el.name}> time="${t}" is not a number of seconds`);
  };
  if (root.name !== 'testsuites') fail(`the root is <${root.name}>, not <testsuites>`);
  seconds(root);
  const total = { tests: 0, failures: 0, errors: 0 };
  for (const child of root.children) {
    if (child.name !== 'testsuite') fail(`<testsuites> holds <${child.name}>`);
    if (!child.attributes.name) fail('a <testsuite> has no name');
    seconds(child);
    if (child.attributes.timestamp !== undefined && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(child.attributes.timestamp)) fail(`timestamp ${child.attributes.timestamp} is not ISO 8601 without a zone`);
    let order = 0;
    const cases = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const part of child.children) {
      const rank = { properties: 0, testcase: 1, 'system-out': 2, 'system-err': 3 }[part.name];
      if (rank === undefined) fail(`<testsuite> holds <${part.name}>`);
      if ((rank as number) < order) fail(`<${part.name}> is out of order in <testsuite>`);
      order = rank as number;
      if (part.name === 'properties') {
        for (const p of part.children) if (p.name !== 'property' || p.attributes.name === undefined || p.attributes.value === undefined) fail('<properties> holds something other than <property name value>');
      }
      if (part.name !== 'testcase') continue;
      cases.tests++;
      if (!part.attributes.name || !part.attributes.classname) fail('a <testcase> needs name and classname');
      seconds(part);
      for (const outcome of part.children) {
        if (!['failure', 'error', 'skipped', 'system-out', 'system-err'].includes(outcome.name)) fail(`<testcase> holds <${outcome.name}>`);
        if ((outcome.name === 'failure' || outcome.name === 'error') && outcome.attributes.message === undefined) fail(`<${outcome.name}> has no message`);
      }
      if (childrenNamed(part, 'failure').length) cases.failures++;
      if (childrenNamed(part, 'error').length) cases.errors++;
      if (childrenNamed(part, 'skipped').length) cases.skipped++;
    }
    for (const k of ['tests', 'failures', 'errors'] as const) {
      if (count(child, k) !== cases[k]) fail(`testsuite ${child.attributes.name} says ${k}=${child.attributes[k]} but holds ${cases[k]}`);
      total[k] += cases[k];
    }
    if (child.attributes.skipped !== undefined && count(child, 'skipped') !== cases.skipped) fail('skipped= disagrees with the cases');
  }
  for (const k of ['tests', 'failures', 'errors'] as const) {
    if (root.attributes[k] !== undefined && count(root, k) !== total[k]) fail(`testsuites says ${k}=${root.attributes[k]} but its suites hold ${total[k]}`);
  }
  return root;
}
