// The suite ran from nothing but the README's setup block: on the simulator, to its verdict, and quietly.
def log = new File(basedir, 'build.log').text
assert log.contains('Capitals — 4 invocations'): 'the summary of the suite run'
assert log.contains('evalunit: thresholds met'): 'the verdict'
assert log.contains('BUILD SUCCESS')
assert !log.contains('[ERROR]'): 'no line per wrong answer'
def latest = new File(basedir, 'target/evalunit/runs/latest')
assert new File(latest, 'analysis.json').isFile(): 'the run is kept, as runs/latest'
assert new File(latest, 'results.csv').readLines().size() == 5: 'a header and one row per invocation'
assert new File(latest, 'allure-results').list().any { it.endsWith('-result.json') }
def runs = new File(basedir, 'target/evalunit/runs').listFiles().findAll { it.name != 'latest' && new File(it, 'run.json').isFile() }
assert runs.size() == 2: 'each model\'s run kept'
def comparisons = new File(basedir, 'target/evalunit/comparisons').listFiles()
assert comparisons.size() == 1 && comparisons[0].name.contains('_vs_'): 'mvn exec:java@compare: the last two full runs'
assert new File(comparisons[0], 'compare.md').text.contains('accuracy')
assert new File(comparisons[0], 'compare.html').isFile() && new File(comparisons[0], 'compare.json').isFile()
assert log.contains('against'): 'the comparison printed'
def results = new File(basedir, 'target/surefire-reports')
def suiteXml = results.listFiles().find { it.name == 'TEST-org.example.CapitalsBenchmark.xml' }
assert suiteXml != null && suiteXml.text.contains('name="knowsTheCapital[T=0.0 s=1] cap-'): 'CI reports name invocations as the IDE does'
assert !suiteXml.text.contains('(Capital, Answer'): 'not by the method\'s parameter types'

assert results.list().any { it.contains('CapitalTest') }: 'the project\'s own test ran in the first build'
return true
