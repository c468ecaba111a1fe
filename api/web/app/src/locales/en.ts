import type zhCN from './zh-CN'

// English. locales.test.ts checks it has exactly the keys of zh-CN.ts.
const en: typeof zhCN = {
  app: { name: 'Renda congress platform' },
  common: { cancel: 'Cancel', retry: 'Retry', refresh: 'Refresh', loading: 'Loading…', yes: 'Yes', no: 'No', days: ' days' },
  shell: { menu: 'Menu', language: 'Switch language', logout: 'Sign out', skip: 'Skip to content', tabs: 'Shortcuts' },
  menu: {
    home: 'Home', deputy: 'Deputy portal', myCode: 'My deputy code', myArchive: 'Duty archive', admin: 'This congress', users: 'Accounts',
    deputies: 'Deputies', roles: 'Roles and permissions', scenes: 'Scenes and settings', audit: 'Audit log', inbox: 'Messages',
    platform: 'Platform', tenants: 'Congresses', catalog: 'Scene catalog and rollout', citywide: 'City-wide',
  },
  login: {
    choose: 'Choose, or type to search (e.g. Haishu)', noMatch: 'No congress matches',
    subtitle: 'One entry point for deputies, congress staff and the city', tenant: 'Congress (code)', tenantHint: 'e.g. haishu, ningbo',
    username: 'Username', password: 'Password', submit: 'Sign in', note: 'Your session stays in this browser; sign out when you are done.',
  },
  home: {
    morning: 'Good morning, {name}', afternoon: 'Good afternoon, {name}', evening: 'Good evening, {name}',
    deputySub: 'What waits for you and what you use most.', staffSub: "Your congress's desk: messages waiting and each scene's pages.",
    waiting: 'Waiting for you', nothingWaiting: 'No unread messages', scenes: 'Scenes', noScenes: 'Your congress runs no scene yet',
  },
  list: {
    search: 'Search', searchButton: 'Search', all: 'All', empty: 'Nothing here yet', more: 'Load more', actions: 'Actions', count: '{n} in all',
  },
  dashboard: { byCongress: 'By congress', congress: 'Congress' },
  citywide: {
    title: 'City-wide view', sub: 'The scenes the congresses below run, and their figures across them.', runsIn: 'Runs in: {list}', open: 'City-wide figures',
    notHere: 'This congress does not run the scene yet. City-wide figures are gathered by this congress from those below, so it needs the scene enabled here first (nothing changes for the districts).',
    enableHere: 'Enable here', below: '{name}, a congress below (read-only)', enabled: 'Enabled for this congress', none: 'No congress below runs a scene yet.', noDashboard: 'This scene has no figures page you may see.',
  },
  detail: { attachments: 'Photos and files', noAttachments: 'No attachments', location: 'Location', timeline: 'Progress', noTimeline: 'No steps yet', photo: 'Photo' },
  form: {
    submit: 'Submit', save: 'Save', edit: 'Edit', remove: 'Remove', saved: 'Saved', required: 'This field is required', fixErrors: 'Please check the marked fields.',
    choose: 'Choose', key: 'Key', value: 'Value', addEntry: 'Add an entry', addItem: 'Add',
  },
  action: { confirm: 'Confirm', done: 'Done: {action}' },
  map: {
    lat: 'Latitude', lng: 'Longitude', locate: 'Use my location', preview: 'Location preview', open: 'Open in a map', none: 'No location yet',
    unsupported: 'This device cannot locate itself; enter the coordinates.', denied: 'Could not get your location (not allowed or no signal); enter the coordinates.',
  },
  photos: { add: 'Add photos', uploading: 'Uploading…', remove: 'Remove the photo' },
  errors: {
    generic: 'That did not work; please try again later.', network: 'Could not reach the server; check the network and try again.',
    forbidden: 'You are not allowed to do this.', notFound: 'Page not found', otherCongress: 'This congress is not yours to see', server: 'The server is unavailable; please try again later.',
  },
  scene: { noPage: 'No such page, or your congress does not run this scene.' },
  inbox: { unreadOnly: 'Unread only', empty: 'No messages', markRead: 'Mark read' },
  code: {
    deputy: 'Deputy', notDeputy: 'This account is not linked to a deputy.', alt: "{name}'s deputy code",
    hint: 'Constituents scan it to see who you are and send you a message or report a problem.', open: 'Open the public page', download: 'Download the code',
  },
  archive: { titleOf: "A deputy's duty archive", empty: 'No duty activities yet', offline: 'Offline activity' },
  public: {
    title: 'Contact your deputy', yourDeputy: 'Your deputy', send: 'Send a message / report a problem', content: 'Message',
    contentHint: 'Describe the problem or suggestion; say when and where if you can.', address: 'Place', name: 'Your name (optional)',
    phone: 'Phone (optional)', sendButton: 'Send to the deputy', sent: 'Sent to your deputy',
    keepReceipt: "Keep the receipt link: it shows the deputy's answer later.", receipt: 'View the receipt',
    privacy: 'Only the deputy sees your contact details.', status: 'Status:', answer: "Deputy's answer:", noAnswer: 'No answer yet; please check again later.',
    statuses: { new: 'Delivered', adopted: 'Taken up as an issue', answered: 'Answered' },
    scenePage: 'Public information', noPage: 'No such public page, or this congress does not publish it.',
    link: 'Public link (no sign-in)',
  },
  users: {
    search: 'Search by username or name', create: 'New account', name: 'Name', username: 'Username', kind: 'Kind', status: 'Status', created: 'Created', roles: 'Roles',
    kinds: { human: 'Person', service: 'Service account' },
  },
  deputies: {
    search: 'Search by name, delegation, constituency or occupation', add: 'Add a deputy', import: 'Import from Excel', importing: 'Importing…',
    importHint: 'Fill in the template (.xlsx): row 1 is the header (name and level required), one deputy per row, at most 10,000. If any row has a problem nothing is imported and the rows are listed.',
    imported: '{n} deputies imported', row: 'Row {n}', level: 'Level', delegation: 'Delegation', constituency: 'Constituency', occupation: 'Occupation', term: 'Term',
    gender: 'Gender', male: 'Male', female: 'Female',
    template: 'Download the template', header: 'Header', column: 'column {c}',
    fields: { name: 'Name', gender: 'Gender', level: 'Level', delegation: 'Delegation', constituency: 'Constituency', term: 'Term', occupation: 'Occupation', phone: 'Phone', email: 'E-mail', status: 'Status' },
  },
  roles: {
    name: 'Role', grants: 'Permissions', builtin: 'Built-in', create: 'New role', confirmDelete: 'Delete this role?',
    tenant_admin: 'Administrator', staff: 'Staff', deputy: 'Deputy', platform_admin: 'Platform administrator',
  },
  scenes: {
    sub: "The scenes your congress runs; settings are checked against each scene's rules.", none: 'No scene is enabled', enabled: 'Enabled',
    disabled: 'Not enabled', updated: 'Updated', settings: 'Settings', noSettings: 'This scene has no settings.',
  },
  audit: {
    action: 'Action', targetType: 'Target type', range: 'Dates', from: 'From', to: 'To', verify: 'Verify the hash chain', at: 'Time', actor: 'By',
    target: 'Target', source: 'Source', before: 'Before', after: 'After', hash: 'Hash', intact: 'The hash chain is intact: {n} entries.',
    broken: 'The hash chain breaks at entry {seq}.',
  },
  tenants: {
    name: 'Congress', division: 'Division code', slug: 'Code', parent: 'Congress above', nameZh: 'Name in Chinese', nameEn: 'Name in English',
    create: 'New congress', suspend: 'Suspend', resume: 'Resume', archive: 'Archive', export: 'Export',
    confirm: {
      suspend: 'Every user of {name} will be signed out and unable to sign in. Suspend it?', resume: 'Resume {name}?',
      archive: '{name} will stop serving (its data is kept and can be exported). Archive it?',
    },
  },
  levels: { city: 'City', district: 'District', county: 'County', township: 'Township' },
  status: { active: 'Active', suspended: 'Suspended', terminated: 'Terminated', archived: 'Archived', disabled: 'Disabled', locked: 'Locked' },
  catalog: {
    catalog: 'Catalog', rollout: 'Roll out', matrix: 'Matrix', scene: 'Scene', version: 'Version', process: 'Process', restarts: 'Restarts (last hour)',
    tenants: 'Congresses', installed: 'Installed', keepVersion: 'Keep their version (newest for new ones)', enable: 'Enable for the chosen congresses',
    disable: 'Disable', enabled: 'Enabled for {n} congresses', disabled: 'Disabled for {n} congresses', pin: 'Enable and pin this version',
    matrixHint: 'Each cell is the version a congress runs; click to enable, pin a version or disable.',
    states: { up: 'Up', starting: 'Starting', restarting: 'Restarting', failed: 'Failed', stopped: 'Not started' },
  },
}

export default en
