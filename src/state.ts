/** Keys of the state saved by the main step for the post step (read back as STATE_<key>). */
export enum State {
  IsPost = 'isPost'
}
