/** Keys of the state saved by the main step for the post step (read back as STATE_<key>). */
export enum State {
  IsPost = 'isPost',
  /** JSON of the BuilderHandle the main step started. */
  Builder = 'builder',
  EnvdBinary = 'envdBinary',
  EnvdPath = 'envdPath',
  Context = 'context',
  WorkDir = 'workDir',
  BuildFailed = 'buildFailed',
  /** JSON of the local cache to swap in and save (cache: local, after a successful export). */
  LocalSave = 'localSave'
}
