import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { homeTenant, load, session } from './session'
import { ApiError, whenUnauthorized } from './api'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'root', redirect: () => (homeTenant() ? `/t/${homeTenant()}` : '/login') },
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
    { path: '/p/:tenant/deputies/:id', name: 'deputy-public', component: () => import('./views/public/DeputyPublicView.vue'), meta: { public: true } },
    { path: '/p/:tenant/scenes/:scene/:page/:id?', name: 'public-scene-page', component: () => import('./views/public/ScenePublicView.vue'), meta: { public: true } },
    { path: '/p/:tenant/messages/:id', name: 'message-receipt', component: () => import('./views/public/MessageReceiptView.vue'), meta: { public: true } },
    {
      path: '/t/:tenant',
      component: () => import('./views/LayoutView.vue'),
      children: [
        { path: '', name: 'home', component: () => import('./views/HomeView.vue') },
        { path: 's/:scene/:page/:id?', name: 'scene-page', component: () => import('./views/ScenePageView.vue') },
        { path: 'inbox', name: 'inbox', component: () => import('./views/admin/InboxView.vue') },
        { path: 'users', name: 'users', component: () => import('./views/admin/UsersView.vue') },
        { path: 'deputies', name: 'deputies', component: () => import('./views/admin/DeputiesView.vue') },
        { path: 'deputies/:id/archive', name: 'deputy-archive', component: () => import('./views/deputy/DutyArchiveView.vue') },
        { path: 'roles', name: 'roles', component: () => import('./views/admin/RolesView.vue') },
        { path: 'scenes', name: 'scenes', component: () => import('./views/admin/ScenesView.vue') },
        { path: 'audit', name: 'audit', component: () => import('./views/admin/AuditView.vue') },
        { path: 'me/code', name: 'my-code', component: () => import('./views/deputy/MyCodeView.vue') },
        { path: 'me/archive', name: 'my-archive', component: () => import('./views/deputy/DutyArchiveView.vue') },
        { path: 'citywide', name: 'citywide', component: () => import('./views/CitywideView.vue') },
        { path: 'platform/tenants', name: 'platform-tenants', component: () => import('./views/platform/TenantsView.vue') },
        { path: 'platform/scenes', name: 'platform-scenes', component: () => import('./views/platform/CatalogView.vue') },
      ],
    },
    { path: '/forbidden', name: 'forbidden', component: () => import('./views/NotFoundView.vue'), props: { forbidden: true }, meta: { public: true } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true } },
  ],
})

// Every signed-in page needs to know who the user is: read it once, and
// send the user to the login page when the session has ended.
router.beforeEach(async (to: RouteLocationNormalized) => {
  if (to.meta.public) return true
  const tenant = String(to.params.tenant ?? '')
  if (session.me && (!tenant || session.me.tenant.slug === tenant || session.tenant === tenant)) return true
  try {
    await load(tenant || homeTenant())
    return true
  } catch (e) {
    // Signed in, but that congress is not one the user may see (a sibling
    // district, say): say so, rather than offer its login page.
    if (session.me && e instanceof ApiError && e.status === 403) return { name: 'forbidden' }
    return { name: 'login', query: { t: tenant || homeTenant() || undefined, next: to.fullPath } }
  }
})

whenUnauthorized(() => {
  session.me = null
  const cur = router.currentRoute.value
  if (!cur.meta.public) void router.push({ name: 'login', query: { t: session.tenant || homeTenant() || undefined, next: cur.fullPath } })
})
