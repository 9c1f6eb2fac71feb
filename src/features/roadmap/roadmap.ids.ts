/** Slack IDs of the roadmap feature. */
export const roadmapIds = {
  command: '/roadmap',
  itemModal: 'roadmap.item',
  noteModal: 'roadmap.note',
  /** "Open the roadmap" in the CX office's App Home. */
  open: 'roadmap.open',
  /** The item form's confirmation after Save. */
  saved: 'roadmap.saved',
  /** The note form's confirmation after Save. */
  noteSaved: 'roadmap.note_saved',
  // "See all" under `/roadmap` opens the whole roadmap in a modal, paged (the button's value is the page).
  pageOpen: 'roadmap.page_open',
  listModal: 'roadmap.list_modal',
  previous: 'roadmap.previous',
  next: 'roadmap.next',
  pager: 'roadmap.pager',
  more: 'roadmap.more',
  // "Why this matters": the item owner's (or the CX office's) short text the weekly update quotes.
  /** Under `/roadmap`, a button on each of the viewer's own items (value: the item's id). */
  whyButton: 'roadmap.why',
  /** The button's section: `roadmap.why_actions.<id>`. */
  whyActions: 'roadmap.why_actions',
  whyModal: 'roadmap.why_modal',
  /** The "why this matters" form's confirmation after Save. */
  whySaved: 'roadmap.why_saved',
  // Modal blocks (block_id = action_id).
  title: 'title',
  customerChange: 'customer_change',
  employeeAsk: 'employee_ask',
  stage: 'stage',
  category: 'category',
  owner: 'owner',
  status: 'status',
  target: 'target',
  note: 'note',
  whyItMatters: 'why_it_matters',
} as const;
