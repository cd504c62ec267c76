/**
 * Markdown text of a discussion (description, positions), rendered without raw HTML: react-markdown builds React
 * elements (no innerHTML), HTML in the source is dropped, links keep only safe protocols (its default urlTransform),
 * and images are shown as their description (no requests to other hosts from the reader's browser). Headings are
 * moved below the page's own so the outline stays in order. A separate chunk: loaded only by pages showing markdown.
 */
import { useMemo, type ReactNode } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';

const below = (level: number) => {
  const Tag = `h${Math.min(6, level)}` as 'h4';
  return ({ children }: { children?: ReactNode }) => <Tag>{children}</Tag>;
};

export default function Markdown({ text, headingLevel = 4 }: { text: string; headingLevel?: number }) {
  const components = useMemo<Components>(() => ({
    // Texts start their sections with # or ##: either becomes the level below the page's own heading.
    h1: below(headingLevel),
    h2: below(headingLevel),
    h3: below(headingLevel + 1),
    h4: below(headingLevel + 2),
    h5: below(headingLevel + 2),
    h6: below(headingLevel + 2),
    img: ({ alt }) => (alt ? <span>[{alt}]</span> : null),
    // A link whose address was refused (javascript: and the like) is left as its words.
    a: ({ href, children }) => (href ? <a href={href}>{children}</a> : <span>{children}</span>),
  }), [headingLevel]);
  return (
    <div className="pub-markdown">
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
