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
} as const;
