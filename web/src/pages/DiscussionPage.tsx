// Placeholder: the public pages are being built.
export function DiscussionPage(_: { discussionId: string }) {
  return <h1>Discussion</h1>;
}
