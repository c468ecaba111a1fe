export interface Notification {
  id: string
  source: string
  title: string
  body: string
  link?: string
  created_at: string
  read_at?: string
}
