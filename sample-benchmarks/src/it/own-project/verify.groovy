// The suite ran from nothing but the README's setup block: on the simulator, to its verdict, and quietly.
def log = new File(basedir, 'build.log').text
assert log.contains('Capitals — 4 invocations'): 'the summary of the suite run'
assert log.contains('evalunit: thresholds met'): 'the verdict'
assert log.contains('BUILD SUCCESS')
assert !log.contains('[ERROR]'): 'no line per wrong answer'
assert new File(basedir, 'target/evalunit/analysis.json').isFile()
def results = new File(basedir, 'target/surefire-reports')
assert results.list().any { it.contains('CapitalTest') }: 'the project\'s own test ran in the first build'
return true
