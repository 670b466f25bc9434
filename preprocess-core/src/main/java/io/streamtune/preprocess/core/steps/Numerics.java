package io.streamtune.preprocess.core.steps;

import java.util.function.DoubleUnaryOperator;

/** Numerical routines the steps need, ported so results match SciPy / scikit-learn. */
final class Numerics {

  private Numerics() {}

  /**
   * Minimises {@code f} like {@code scipy.optimize.brent(f, brack=(xa, xb))}: SciPy's downhill
   * bracket search from (xa, xb), then Brent's method with relative tolerance 1.48e-8.
   */
  static double brent(DoubleUnaryOperator f, double xa, double xb) {
    final double gold = 1.618034;
    final double verySmall = 1e-21;
    final double growLimit = 110.0;
    double fa = f.applyAsDouble(xa);
    double fb = f.applyAsDouble(xb);
    if (fa < fb) {
      double t = xa;
      xa = xb;
      xb = t;
      t = fa;
      fa = fb;
      fb = t;
    }
    double xc = xb + gold * (xb - xa);
    double fc = f.applyAsDouble(xc);
    int iteration = 0;
    while (fc < fb) {
      double tmp1 = (xb - xa) * (fb - fc);
      double tmp2 = (xb - xc) * (fb - fa);
      double val = tmp2 - tmp1;
      double denom = Math.abs(val) < verySmall ? 2.0 * verySmall : 2.0 * val;
      double w = xb - ((xb - xc) * tmp2 - (xb - xa) * tmp1) / denom;
      double wlim = xb + growLimit * (xc - xb);
      if (iteration++ > 1000) {
        throw new ArithmeticException("no bracket found for the minimum");
      }
      double fw;
      if ((w - xc) * (xb - w) > 0.0) {
        fw = f.applyAsDouble(w);
        if (fw < fc) {
          xa = xb;
          xb = w;
          fa = fb;
          fb = fw;
          break;
        } else if (fw > fb) {
          xc = w;
          fc = fw;
          break;
        }
        w = xc + gold * (xc - xb);
        fw = f.applyAsDouble(w);
      } else if ((w - wlim) * (wlim - xc) >= 0.0) {
        w = wlim;
        fw = f.applyAsDouble(w);
      } else if ((w - wlim) * (xc - w) > 0.0) {
        fw = f.applyAsDouble(w);
        if (fw < fc) {
          xb = xc;
          xc = w;
          w = xc + gold * (xc - xb);
          fb = fc;
          fc = fw;
          fw = f.applyAsDouble(w);
        }
      } else {
        w = xc + gold * (xc - xb);
        fw = f.applyAsDouble(w);
      }
      xa = xb;
      xb = xc;
      xc = w;
      fa = fb;
      fb = fc;
      fc = fw;
    }
    return brentFromBracket(f, xa, xb, xc, fb);
  }

  private static double brentFromBracket(
      DoubleUnaryOperator f, double xa, double xb, double xc, double fb) {
    final double tol = 1.48e-8;
    final double minTol = 1.0e-11;
    final double cg = 0.3819660;
    double x = xb;
    double w = xb;
    double v = xb;
    double fw = fb;
    double fv = fb;
    double fx = fb;
    double a = Math.min(xa, xc);
    double b = Math.max(xa, xc);
    double deltax = 0.0;
    double rat = 0.0;
    for (int iteration = 0; iteration < 500; iteration++) {
      double tol1 = tol * Math.abs(x) + minTol;
      double tol2 = 2.0 * tol1;
      double xmid = 0.5 * (a + b);
      if (Math.abs(x - xmid) < (tol2 - 0.5 * (b - a))) {
        break;
      }
      if (Math.abs(deltax) <= tol1) {
        deltax = x >= xmid ? a - x : b - x;
        rat = cg * deltax;
      } else {
        double tmp1 = (x - w) * (fx - fv);
        double tmp2 = (x - v) * (fx - fw);
        double p = (x - v) * tmp2 - (x - w) * tmp1;
        tmp2 = 2.0 * (tmp2 - tmp1);
        if (tmp2 > 0.0) {
          p = -p;
        }
        tmp2 = Math.abs(tmp2);
        double dxTemp = deltax;
        deltax = rat;
        if (p > tmp2 * (a - x)
            && p < tmp2 * (b - x)
            && Math.abs(p) < Math.abs(0.5 * tmp2 * dxTemp)) {
          rat = p / tmp2;
          double u = x + rat;
          if ((u - a) < tol2 || (b - u) < tol2) {
            rat = xmid - x >= 0 ? tol1 : -tol1;
          }
        } else {
          deltax = x >= xmid ? a - x : b - x;
          rat = cg * deltax;
        }
      }
      double u = Math.abs(rat) < tol1 ? (rat >= 0 ? x + tol1 : x - tol1) : x + rat;
      double fu = f.applyAsDouble(u);
      if (fu > fx) {
        if (u < x) {
          a = u;
        } else {
          b = u;
        }
        if (fu <= fw || w == x) {
          v = w;
          w = u;
          fv = fw;
          fw = fu;
        } else if (fu <= fv || v == x || v == w) {
          v = u;
          fv = fu;
        }
      } else {
        if (u >= x) {
          a = x;
        } else {
          b = x;
        }
        v = w;
        w = x;
        x = u;
        fv = fw;
        fw = fx;
        fx = fu;
      }
    }
    return x;
  }

  /** The digamma function ψ(x) for x > 0, to about 1e-13. */
  static double digamma(double x) {
    double result = 0;
    while (x < 6) {
      result -= 1 / x;
      x += 1;
    }
    double inv = 1 / x;
    double inv2 = inv * inv;
    return result
        + Math.log(x)
        - 0.5 * inv
        - inv2
            * (1.0 / 12
                - inv2
                    * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))));
  }

  /** scikit-learn's Yeo-Johnson transform of one value for a given λ. */
  static double yeoJohnson(double x, double lambda) {
    double eps = Math.ulp(1.0);
    if (x >= 0) {
      return Math.abs(lambda) < eps ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
    }
    return Math.abs(lambda - 2) > eps
        ? -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda)
        : -Math.log1p(-x);
  }

  /** λ maximising the Yeo-Johnson log-likelihood of the values (PowerTransformer). */
  static double yeoJohnsonLambda(double[] values) {
    int n = values.length;
    double signedLogSum = 0;
    for (double x : values) {
      signedLogSum += Math.signum(x) * Math.log1p(Math.abs(x));
    }
    final double logSum = signedLogSum;
    DoubleUnaryOperator negativeLogLikelihood =
        lambda -> {
          double mean = 0;
          for (double x : values) {
            mean += yeoJohnson(x, lambda);
          }
          mean /= n;
          double variance = 0;
          for (double x : values) {
            double d = yeoJohnson(x, lambda) - mean;
            variance += d * d;
          }
          variance /= n;
          if (variance < Double.MIN_NORMAL) {
            return Double.POSITIVE_INFINITY;
          }
          return -(-n / 2.0 * Math.log(variance) + (lambda - 1) * logSum);
        };
    return brent(negativeLogLikelihood, -2, 2);
  }
}
