/** Slack IDs of the delivery feature (the outbox's dead letters, as the CX office sees them). */
export const deliveryIds = {
  retry: 'delivery.retry',
  retryAll: 'delivery.retry_all',
  // "See all" under `/touchpoint health`: every dead letter in a modal, paged (the value is the page).
  pageOpen: 'delivery.page_open',
  listModal: 'delivery.list_modal',
  previous: 'delivery.previous',
  next: 'delivery.next',
  pager: 'delivery.pager',
  // Blocks, for tests and for finding one's way in a message.
  counts: 'delivery.counts',
  deadLetter: (id: number) => `delivery.dead.${id}`,
  more: 'delivery.more',
  actions: 'delivery.actions',
  notice: 'delivery.notice',
  homeLine: 'delivery.home',
  homeActions: 'delivery.home_actions',
} as const;
