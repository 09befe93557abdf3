"""Peer values for test/golden/weighted.test.ts: every nuisance learner of a weighted cross-fitted mediation
fitted with sample weights. XGBoost (tree_method=hist; depth-wise and lossguide, squared error and logistic)
on a design whose features have few distinct values (every binning gives the same candidate splits), and
scikit-learn Ridge / LogisticRegression with sample_weight. Run with Debian's /usr/bin/python3
(python3-xgboost 1.7.4, python3-sklearn 1.2.1):
    /usr/bin/python3 test/golden/make_weighted.py > test/golden/weighted.json
"""
import json, math, numpy as np, xgboost as xgb
from sklearn.linear_model import LogisticRegression, Ridge

n = 400
X = np.array([[i % 17, (i * 7) % 11, (i * 13) % 5] for i in range(n)], dtype=float)
y = np.array([math.sin(X[i, 0] / 3.0) * 2 + (1.5 if X[i, 1] > 5 else 0) + 0.3 * X[i, 2] * (X[i, 0] > 8) + 0.4 * math.sin(i * 1.7) for i in range(n)])
w = np.array([0.3 + ((i * 37) % 23) / 10.0 for i in range(n)])
b = (y > np.median(y)).astype(float)
out = {}
common = dict(tree_method='hist', eta=0.3, reg_lambda=1.0, min_child_weight=1.0, max_bin=255, nthread=1)


def boost(label, objective, base, **grow):
    params = dict(common, objective=objective, base_score=float(base), **grow)
    booster = xgb.train(params, xgb.DMatrix(X, label=label, weight=w), num_boost_round=5)
    return booster.predict(xgb.DMatrix(X)).astype(float).tolist()


# base_score: the weighted mean (causeway's booster starts from it; XGBoost takes it as given)
out['depth3_squared'] = boost(y, 'reg:squarederror', np.average(y, weights=w), grow_policy='depthwise', max_depth=3)
out['leaves6_squared'] = boost(y, 'reg:squarederror', np.average(y, weights=w), grow_policy='lossguide', max_leaves=6, max_depth=0)
out['depth2_logistic'] = boost(b, 'binary:logistic', np.average(b, weights=w), grow_policy='depthwise', max_depth=2)
ridge = Ridge(alpha=2.0).fit(X, y, sample_weight=w)
out['ridge_coef'] = [float(ridge.intercept_)] + ridge.coef_.tolist()
logit = LogisticRegression(C=1.0, solver='newton-cg', tol=1e-12, max_iter=1000).fit(X, b, sample_weight=w)
out['logistic_coef'] = [float(logit.intercept_[0])] + logit.coef_[0].tolist()
out = {k: [float('%.12g' % v) for v in vals] for k, vals in out.items()}
out['versions'] = {'xgboost': xgb.__version__}
print(json.dumps(out))
