import { Project, type SourceFile, type ts } from 'ts-morph';

/** The part of typescript-eslint's program the mirror reads (any TypeScript version's `Program`). */
export interface ProgramTexts {
  getCompilerOptions(): object;
  getSourceFiles(): readonly {
    readonly fileName: string;
    readonly text: string;
    readonly isDeclarationFile: boolean;
  }[];
}

const projects = new Map<string, Project>();

/** Puts `text` at `fileName` in the project, reparsing only when it changed. */
function sync(project: Project, fileName: string, text: string): SourceFile {
  const existing = project.getSourceFile(fileName);
  if (existing && existing.getFullText() === text) return existing;
  return project.createSourceFile(fileName, text, { overwrite: true });
}

/**
 * The linted file in a ts-morph project that mirrors typescript-eslint's program: one project per
 * tsconfig for the life of the ESLint process, the app's own files copied in from the program's
 * texts (so an editor's unsaved buffer is what is analysed) and reparsed only when they change;
 * libraries are read from disk by ts-morph. The analysis behind the scatter report runs on it, so
 * the lint rules and `drizzle-shard generate` share one implementation (see the README).
 */
export function mirroredFile(program: ProgramTexts, fileName: string, text: string): SourceFile {
  const options = program.getCompilerOptions() as ts.CompilerOptions;
  const key = String(options.configFilePath ?? '(no tsconfig)');
  let project = projects.get(key);
  if (!project) {
    project = new Project({
      compilerOptions: { ...options, noEmit: true },
      skipAddingFilesFromTsConfig: true,
    });
    projects.set(key, project);
  }
  for (const file of program.getSourceFiles())
    if (!file.isDeclarationFile && !file.fileName.includes('/node_modules/') && file.fileName !== fileName)
      sync(project, file.fileName, file.text);
  return sync(project, fileName, text);
}
