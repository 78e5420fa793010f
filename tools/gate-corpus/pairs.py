# Writes tests/FoldBench.Regression.Tests/Corpus/pairs.tsv: which recorded runs tools/gate-corpus/evaluate.sh and
# CorpusTests compare (BASE recorded right before CURRENT in the same condition wherever possible).
import os
C=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tests', 'FoldBench.Regression.Tests', 'Corpus')
have=lambda l: os.path.exists(f'{C}/{l}.json')
rows=[]
def add(kind,b,c):
    if have(b) and have(c): rows.append((kind,b,c))
# shared machine (no cgroup, load average 9-19 from other builds)
add('unchanged-shared','sh-q1','sh-q2'); add('unchanged-shared','sh-b1-q1','sh-b1-q2'); add('unchanged-shared','sh-b1-q2','sh-b1-q3')
add('unchanged-shared','sh-q2','sh-b1-q1')
add('unchanged-shared-busier','sh-q1','sh-l1'); add('unchanged-shared-load','sh-l1','sh-l2'); add('unchanged-shared-busier','sh-b1-q3','sh-b1-l1')
add('slow20-shared','sh-b1-q1','sh-b1-s20'); add('slow10-shared','sh-b1-q2','sh-b1-s10'); add('slow5-shared','sh-b1-q3','sh-b1-s5')
add('slow10-shared','sh-q2','sh-s10-1'); add('slow20-shared','sh-q1','sh-s20-1')
add('unchanged-heavy','c1-h1','c1-h2'); add('slow20-heavy','c1-h1','c1-s20h')
add('unchanged-tierup-constructed','tierup-base','tierup-current')
add('unchanged-tierup-recorded','t1','t2'); add('unchanged-tierup-recorded','t2','t3')
for k in range(1,5):
    p=f'c{k}-'
    add('unchanged-quiet',p+'q1',p+'q2'); add('unchanged-quiet',p+'q2',p+'q3')
    add('unchanged-quiet',p+'q3',f'c{k+1}-q1')
    add('unchanged-busier',p+'q3',p+'l1'); add('unchanged-load',p+'l1',p+'l2')
    add('unchanged-onecpu',p+'o1',p+'o2')
    add('slow20',p+'q1',p+'s20'); add('slow10',p+'q2',p+'s10'); add('slow5',p+'q3',p+'s5'); add('slow20-load',p+'l1',p+'s20l')
with open(f'{C}/pairs.tsv','w') as f:
    f.write('# kind\tBASE\tCURRENT (labels of runs.tsv; see tools/gate-corpus/evaluate.sh)\n')
    for r in rows: f.write('\t'.join(r)+'\n')
print(len(rows))
