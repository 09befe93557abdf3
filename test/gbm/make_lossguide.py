"""Peer predictions for test/gbm/leafwise.test.ts: XGBoost (tree_method=hist) leaf-wise (grow_policy=lossguide,
max_leaves) and depth-wise boosters on a small design whose features have few distinct values, so every
binning gives the same candidate splits. Run with Debian's /usr/bin/python3 (python3-xgboost 1.7.4):
    /usr/bin/python3 test/gbm/make_lossguide.py > test/gbm/lossguide.json
"""
import json, math, numpy as np, xgboost as xgb
n=400
X=np.array([[i%17, (i*7)%11, (i*13)%5] for i in range(n)], dtype=float)
y=np.array([math.sin(X[i,0]/3.0)*2 + (1.5 if X[i,1]>5 else 0) + 0.3*X[i,2]*(X[i,0]>8) + 0.4*math.sin(i*1.7) for i in range(n)])
out={}
for leaves in [4, 7]:
    params=dict(tree_method='hist', grow_policy='lossguide', max_leaves=leaves, max_depth=0, eta=0.3, reg_lambda=1.0, min_child_weight=1.0, max_bin=255, base_score=float(y.mean()), nthread=1, objective='reg:squarederror')
    b=xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=5)
    out[str(leaves)]=b.predict(xgb.DMatrix(X)).astype(float).tolist()
    params['grow_policy']='depthwise'; params['max_depth']=2; params['max_leaves']=0
    b=xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=5)
    out['depth2_'+str(leaves)]=b.predict(xgb.DMatrix(X)).astype(float).tolist()
out = {k: [float('%.9g' % v) for v in vals] for k, vals in out.items()}
out['xgboost'] = xgb.__version__
print(json.dumps(out))
