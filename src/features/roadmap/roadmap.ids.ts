/** Slack IDs of the roadmap feature. */
export const roadmapIds = {
  command: '/roadmap',
  itemModal: 'roadmap.item',
  noteModal: 'roadmap.note',
  /** "Open the roadmap" in the CX office's App Home. */
  open: 'roadmap.open',
  /** The item form's confirmation after Save. */
  saved: 'roadmap.saved',
  // Modal blocks (block_id = action_id).
  title: 'title',
  customerChange: 'customer_change',
  employeeAsk: 'employee_ask',
  stage: 'stage',
  owner: 'owner',
  status: 'status',
  target: 'target',
  note: 'note',
} as const;
