/**
 * A tiny, strict XML well-formedness parser for tests of generated SVG/HTML: balanced tags,
 * quoted attributes without duplicates, known entities only, no stray '<' or '&'. Returns the
 * element tree so tests can query elements and attributes.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function checkText(s: string, where: number): void {
  const bad = s.replace(ENTITY, '').search(/[<&]/);
  if (bad >= 0) throw new Error(`stray '${s.replace(ENTITY, '')[bad]}' in text near offset ${where}`);
}

const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Parses `src` (one root element, optional <?xml?> / <!DOCTYPE> prolog) or throws with the offset. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textPart = lt < 0 ? src.slice(i) : src.slice(i, lt);
    checkText(textPart, i);
    stack[stack.length - 1].text += decode(textPart);
    if (lt < 0) break;
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt);
      if (end < 0) throw new Error(`unclosed comment at ${lt}`);
      i = end + 3;
    } else if (src.startsWith('<?', lt) || src.startsWith('<!DOCTYPE', lt)) {
      if (stack.length > 1) throw new Error(`prolog inside an element at ${lt}`);
      i = src.indexOf('>', lt) + 1;
    } else if (src.startsWith('</', lt)) {
      const m = /^<\/([A-Za-z][\w:.-]*)\s*>/.exec(src.slice(lt));
      if (!m) throw new Error(`bad end tag at ${lt}`);
      const open = stack.pop()!;
      if (open.name !== m[1]) throw new Error(`</${m[1]}> at ${lt} closes <${open.name}>`);
      i = lt + m[0].length;
    } else {
      const m = /^<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(src.slice(lt));
      if (!m) throw new Error(`bad start tag at ${lt}: ${src.slice(lt, lt + 60)}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2].matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} at ${lt}`);
        const v = a[2] ?? a[3];
        checkText(v, lt);
        attrs[a[1]] = decode(v);
      }
      const el: XmlElement = { name: m[1], attrs, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent === root && root.children.length > 0) throw new Error(`second root element <${m[1]}> at ${lt}`);
      parent.children.push(el);
      if (!m[3]) stack.push(el);
      i = lt + m[0].length;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0];
}

/** Every descendant element (depth first) matching `name` (and, optionally, a class). */
export function findAll(el: XmlElement, name: string, cls?: string): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    if (e.name === name && (cls === undefined || (e.attrs.class ?? '').split(/\s+/).includes(cls))) out.push(e);
    e.children.forEach(visit);
  };
  visit(el);
  return out;
}

/** Text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  return el.text + el.children.map(textOf).join('');
}
