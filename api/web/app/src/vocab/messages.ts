// Strings of the vocabulary's newer parts (choice widgets, review before
// an action, action results), in both languages, merged into the app's
// messages so that vue-i18n serves them like any other key.
import { i18n } from '../i18n'

export const vocabMessages = {
  'zh-CN': {
    vocab: {
      review: '请核对',
      back: '返回修改',
      chosen: '已选 {n} 项',
      chosenOf: '已选 {n} 项，最多 {max} 项',
      notChosen: '未选',
      noItems: '没有可选的项目。',
      itemsFailed: '读取选项失败：{error}',
      close: '关闭',
    },
  },
  en: {
    vocab: {
      review: 'Please check',
      back: 'Back to edit',
      chosen: '{n} chosen',
      chosenOf: '{n} of at most {max} chosen',
      notChosen: 'Not chosen',
      noItems: 'Nothing to choose from.',
      itemsFailed: 'Could not read the options: {error}',
      close: 'Close',
    },
  },
}

i18n.global.mergeLocaleMessage('zh-CN', vocabMessages['zh-CN'])
i18n.global.mergeLocaleMessage('en', vocabMessages.en)
