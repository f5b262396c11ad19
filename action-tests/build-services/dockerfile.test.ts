import {
  diagnoseBuildFailure,
  DockerfileError,
  lineOfStep,
  parseDockerfile,
  requireStage,
} from '@alt-las/build';

const text = [
  '# syntax comment',
  'ARG BASE=scratch',
  'FROM ${BASE} AS service',
  'COPY --from=busybox /bin/busybox /bin/busybox',
  '',
  '# the app',
  'COPY app/ \\',
  '     /app/',
  'ENTRYPOINT ["./bin/busybox", "sh", "app/start.sh"]',
  '',
  'FROM service AS Test',
  'RUN ["/bin/busybox", "sh", "/test/run.sh"]',
  'FROM service',
].join('\n');

describe('parseDockerfile', () => {
  const dockerfile = parseDockerfile(text, '/ctx/Dockerfile');

  test('keeps the line each instruction starts on, across comments and continuations', () => {
    expect(dockerfile.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['ARG', 2],
      ['FROM', 3],
      ['COPY', 4],
      ['COPY', 7],
      ['ENTRYPOINT', 9],
      ['FROM', 11],
      ['RUN', 12],
      ['FROM', 13],
    ]);
    expect(dockerfile.instructions[3]!.args).toBe('app/ /app/');
  });

  test('lists stages with lower-cased names', () => {
    expect(dockerfile.stages).toEqual([
      { from: '${BASE}', name: 'service', line: 3 },
      { from: 'service', name: 'test', line: 11 },
      { from: 'service', line: 13 },
    ]);
    expect(requireStage(dockerfile, 'TEST').line).toBe(11);
  });

  test('a missing test stage names the stages there are', () => {
    expect(() => requireStage(dockerfile, 'unit')).toThrow(
      '/ctx/Dockerfile: has no stage "unit" for the tests (stages: service, test)',
    );
  });

  test.each([
    ['FROM scratch\nCOPY a /a\nFORM x\n', 3, 'unknown instruction "FORM"'],
    ['COPY a /a\n', 1, 'expected FROM before COPY'],
    ['# only a comment\n', undefined, 'has no FROM instruction'],
    ['FROM scratch\nRUN\n', 2, 'RUN needs arguments'],
    ['FROM a b c d\n', 1, 'expected FROM <image> [AS <name>]'],
  ])('rejects %j at line %s', (source, line, problem) => {
    let error: unknown;
    try {
      parseDockerfile(source, 'Dockerfile');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DockerfileError);
    expect((error as DockerfileError).line).toBe(line);
    expect((error as Error).message).toContain(problem);
  });

  test('heredoc bodies are not read as instructions', () => {
    const parsed = parseDockerfile('FROM scratch\nRUN <<EOF\nnot an instruction\nEOF\nUSER 1\n', 'D');
    expect(parsed.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 1],
      ['RUN', 2],
      ['USER', 5],
    ]);
  });
});

describe('finding the Dockerfile line of a build failure', () => {
  const dockerfile = parseDockerfile(text, '/ctx/Dockerfile');

  test('maps the step buildah names back to its instruction', () => {
    expect(lineOfStep(dockerfile, 'RUN /bin/busybox sh /test/run.sh')).toBe(12);
    expect(lineOfStep(dockerfile, 'COPY app/ /app/')).toBe(7);
    expect(lineOfStep(dockerfile, 'USER nobody')).toBeUndefined();
  });

  test('buildah output', () => {
    const output = [
      '[2/2] STEP 2/2: RUN ["/bin/busybox", "sh", "/test/run.sh"]',
      'FAIL health: expected 200',
      'subprocess exited with status 1',
      'Error: building at STEP "RUN /bin/busybox sh /test/run.sh": exit status 1',
    ].join('\n');
    expect(diagnoseBuildFailure(output, dockerfile)).toEqual({
      message: 'building at STEP "RUN /bin/busybox sh /test/run.sh": exit status 1',
      line: 12,
    });
  });

  test('docker buildx output names the line itself', () => {
    const output = [
      '#9 ERROR: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1',
      'Dockerfile:12',
      '--------------------',
      '  11 |     FROM service AS Test',
      '  12 | >>> RUN ["/bin/busybox", "sh", "/test/run.sh"]',
      '--------------------',
      'ERROR: failed to solve: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1',
    ].join('\n');
    expect(diagnoseBuildFailure(output, dockerfile)).toEqual({
      message:
        'failed to solve: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1',
      line: 12,
    });
  });

  test('a parse error reported by line number', () => {
    const output = 'ERROR: failed to solve: dockerfile parse error on line 7: unknown instruction: FORM';
    expect(diagnoseBuildFailure(output, dockerfile).line).toBe(7);
  });

  test('no line when the builder names none', () => {
    expect(diagnoseBuildFailure('Error: no space left on device', dockerfile)).toEqual({
      message: 'no space left on device',
    });
  });
});
