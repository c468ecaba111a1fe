// Simplified Chinese, the default. locales.test.ts checks en.ts has the
// same keys.
export default {
  app: { name: '人大数字平台' },
  common: { cancel: '取消', retry: '重试', refresh: '刷新', loading: '加载中…', yes: '是', no: '否', days: ' 天' },
  shell: { menu: '菜单', language: '切换语言', logout: '退出登录', skip: '跳到正文', tabs: '快捷导航' },
  menu: {
    home: '首页', deputy: '代表通', myCode: '我的代表码', myArchive: '履职档案', admin: '本级管理', users: '账号', deputies: '代表',
    roles: '角色与权限', scenes: '场景与设置', audit: '审计日志', inbox: '消息', platform: '全市管理', tenants: '人大机构',
    catalog: '场景目录与部署', citywide: '全市',
  },
  login: {
    choose: '请选择或输入搜索（如 海曙、haishu）', noMatch: '没有匹配的人大',
    subtitle: '代表、人大机关与市人大的统一入口', tenant: '所属人大（机构代码）', tenantHint: '如 haishu、ningbo',
    username: '用户名', password: '密码', submit: '登录', note: '会话保存在本浏览器中，关闭后请退出登录。',
  },
  home: {
    morning: '{name}，上午好', afternoon: '{name}，下午好', evening: '{name}，晚上好',
    deputySub: '待办事项和常用功能都在这里。', staffSub: '本级人大的工作台：待办消息与各场景入口。',
    waiting: '等待您处理', nothingWaiting: '暂无未读消息', scenes: '场景', noScenes: '本级人大尚未开通场景',
  },
  list: {
    search: '搜索', searchButton: '查询', all: '全部', empty: '暂无数据', more: '加载更多', actions: '操作', count: '共 {n} 条',
  },
  dashboard: { byCongress: '各人大对比', congress: '人大' },
  citywide: {
    title: '全市视图', sub: '下级人大开通的场景，及其跨区县的统计。', runsIn: '开通于：{list}', open: '全市统计',
    notHere: '本级尚未开通此场景。全市统计由本级汇总各下级的数据，需本级先开通（不改变各区的设置和数据）。',
    enableHere: '为本级开通', below: '{name}（下级人大，只读）', enabled: '已为本级开通', none: '下级人大尚未开通场景。', noDashboard: '此场景没有可查看的统计页面。',
  },
  detail: { attachments: '照片与附件', noAttachments: '没有附件', location: '位置', timeline: '办理过程', noTimeline: '暂无记录', photo: '照片' },
  form: {
    submit: '提交', save: '保存', edit: '编辑', remove: '删除', saved: '已保存', required: '此项必填', fixErrors: '请检查标出的字段。',
    choose: '请选择', key: '键', value: '值', addEntry: '添加一项', addItem: '添加',
  },
  action: { confirm: '确定', done: '已完成：{action}' },
  map: {
    lat: '纬度', lng: '经度', locate: '使用我的位置', preview: '位置预览', open: '在地图中打开', none: '尚未选择位置',
    unsupported: '此设备不支持定位，请手动填写经纬度。', denied: '无法获取位置（未授权或信号弱），请手动填写经纬度。',
  },
  photos: { add: '添加照片', uploading: '正在上传…', remove: '移除照片' },
  errors: {
    generic: '操作失败，请稍后再试。', network: '网络连接失败，请检查网络后重试。', forbidden: '您没有权限进行此操作。',
    notFound: '页面不存在', otherCongress: '您无权查看该人大的页面', server: '服务器暂时不可用，请稍后再试。',
  },
  scene: { noPage: '该页面不存在，或本级人大未开通此场景。' },
  inbox: { unreadOnly: '只看未读', empty: '没有消息', markRead: '标为已读' },
  code: {
    deputy: '人大代表', notDeputy: '当前账号未关联代表身份。', alt: '{name}的代表码', hint: '群众扫码即可查看您的代表信息，给您留言或反映问题。',
    open: '打开公开页面', download: '下载代表码',
  },
  archive: { titleOf: '代表履职档案', empty: '暂无履职记录', offline: '线下履职' },
  public: {
    title: '代表联系页', yourDeputy: '您的人大代表', send: '给代表留言 / 反映问题', content: '留言内容', contentHint: '请描述您遇到的问题或建议，尽量写明时间和地点。',
    address: '地点', name: '您的称呼（可不填）', phone: '联系电话（可不填）', sendButton: '发送给代表', sent: '已发送给代表',
    keepReceipt: '请保存回执链接，之后可凭它查看代表的答复。', receipt: '查看回执', privacy: '您的联系方式只有代表本人可以看到。',
    status: '状态：', answer: '代表答复：', noAnswer: '代表尚未答复，请稍后再来查看。',
    statuses: { new: '已送达', adopted: '已转为督事办理', answered: '已答复' },
    scenePage: '公开信息', noPage: '该公开页面不存在，或本级人大未公开此页面。',
    link: '公开链接（无需登录）',
  },
  users: {
    search: '按用户名或姓名搜索', create: '新建账号', name: '姓名', username: '用户名', kind: '类型', status: '状态', created: '创建时间', roles: '角色',
    kinds: { human: '人员', service: '服务账号' },
  },
  deputies: {
    search: '按姓名、代表团、选区或职业搜索', add: '新增代表', import: '从 Excel 导入', importing: '正在导入…',
    importHint: '按导入模板填写 .xlsx：第一行为表头（姓名、层级必填），每行一位代表，最多 10000 行；有任何一行出错则不导入，并列出出错的行。',
    imported: '已导入 {n} 名代表', row: '第 {n} 行', level: '层级', delegation: '代表团', constituency: '选区', occupation: '职业', term: '届次',
    gender: '性别', male: '男', female: '女',
    template: '下载导入模板', header: '表头', column: '{c} 列',
    fields: { name: '姓名', gender: '性别', level: '层级', delegation: '代表团', constituency: '选区', term: '届次', occupation: '职业', phone: '手机号码', email: '电子邮箱', status: '状态' },
  },
  roles: {
    name: '角色', grants: '权限', builtin: '内置', create: '新建角色', confirmDelete: '确定删除这个角色吗？',
    tenant_admin: '管理员', staff: '工作人员', deputy: '代表', platform_admin: '平台管理员',
  },
  scenes: {
    sub: '本级人大开通的场景；设置按场景的规则校验后生效。', none: '尚未开通任何场景', enabled: '已开通', disabled: '未开通',
    updated: '更新于', settings: '设置', noSettings: '该场景没有可调整的设置。',
  },
  audit: {
    action: '操作', targetType: '对象类型', range: '时间范围', from: '开始日期', to: '结束日期', verify: '校验哈希链', at: '时间', actor: '操作人',
    target: '对象', source: '来源', before: '修改前', after: '修改后', hash: '哈希', intact: '哈希链完整，共 {n} 条记录。',
    broken: '哈希链在第 {seq} 条记录处断开。',
  },
  tenants: {
    name: '人大机构', division: '行政区划代码', slug: '机构代码', parent: '上级人大', nameZh: '中文名称', nameEn: '英文名称', create: '新建人大机构',
    suspend: '暂停', resume: '恢复', archive: '归档', export: '导出',
    confirm: {
      suspend: '暂停后「{name}」的所有用户将无法登录，确定暂停吗？', resume: '确定恢复「{name}」吗？',
      archive: '归档后「{name}」将停止服务（数据保留，可导出），确定归档吗？',
    },
  },
  levels: { city: '市级', district: '区级', county: '县级', township: '乡镇（街道）' },
  status: { active: '正常', suspended: '暂停', terminated: '终止', archived: '已归档', disabled: '停用', locked: '锁定' },
  catalog: {
    catalog: '场景目录', rollout: '批量开通', matrix: '开通矩阵', scene: '场景', version: '版本', process: '进程', restarts: '近一小时重启',
    tenants: '开通的人大', installed: '安装时间', keepVersion: '保持现有版本（新开通用最新版）', enable: '为所选人大开通', disable: '停用',
    enabled: '已为 {n} 个人大开通', disabled: '已为 {n} 个人大停用', pin: '开通并固定此版本',
    matrixHint: '每格是该人大运行的场景版本；点击可开通、固定版本或停用。',
    states: { up: '运行中', starting: '启动中', restarting: '重启中', failed: '已失败', stopped: '未启动' },
  },
}
