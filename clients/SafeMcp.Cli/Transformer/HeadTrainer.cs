namespace SafeMcp.Cli.Transformer;

/// <summary>
/// Trains the heads over frozen pooled vectors: a softmax label head (class-balanced cross-entropy) and a per-column
/// tool filter head (binary cross-entropy over the columns of the row's tools, positives weighted), both linear, by
/// full-batch Adam with L2 on standardised inputs, the standardisation folded into the weights at the end. Full-batch
/// from zero weights: the same data gives the same heads, run after run.
/// </summary>
internal sealed class HeadTrainer(int epochs, float learningRate, float l2, float toolPositiveWeight)
{
    /// <summary>Trains; <paramref name="progress"/> hears (epoch, label loss, tool loss) every epoch.</summary>
    public TransformerHeads Train(float[][] x, int[] labels, bool[][] filtered, int maxTools, Action<int, double, double> progress)
    {
        var n = x.Length;
        var d = x[0].Length;
        var (mean, scale) = Standardisation(x);
        var z = x.Select(row => row.Select((v, j) => (v - mean[j]) / scale[j]).ToArray()).ToArray();
        var counts = new double[3];
        foreach (var y in labels)
        {
            counts[y]++;
        }
        var classWeight = counts.Select(c => c == 0 ? 0 : n / (3 * c)).ToArray();
        var label = new Linear(d, 3);
        var tool = new Linear(d, maxTools);
        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            label.ZeroGradients();
            tool.ZeroGradients();
            double labelLoss = 0, toolLoss = 0, toolTerms = 0;
            for (var i = 0; i < n; i++)
            {
                var logits = label.Forward(z[i]);
                var probabilities = Softmax(logits);
                var w = classWeight[labels[i]];
                labelLoss -= w * Math.Log(Math.Max(probabilities[labels[i]], 1e-12));
                for (var c = 0; c < 3; c++)
                {
                    label.Accumulate(z[i], c, w * (probabilities[c] - (c == labels[i] ? 1 : 0)) / n);
                }
                var toolLogits = tool.Forward(z[i]);
                for (var t = 0; t < Math.Min(maxTools, filtered[i].Length); t++)
                {
                    var p = 1 / (1 + Math.Exp(-toolLogits[t]));
                    var target = filtered[i][t] ? 1 : 0;
                    var weight = target == 1 ? toolPositiveWeight : 1;
                    toolLoss -= weight * (target == 1 ? Math.Log(Math.Max(p, 1e-12)) : Math.Log(Math.Max(1 - p, 1e-12)));
                    toolTerms++;
                    tool.Accumulate(z[i], t, weight * (p - target) / n);
                }
            }
            label.Step(learningRate, l2, epoch);
            tool.Step(learningRate, l2, epoch);
            progress(epoch, labelLoss / n, toolLoss / Math.Max(1, toolTerms));
        }
        var (labelW, labelB) = label.Fold(mean, scale);
        var (toolW, toolB) = tool.Fold(mean, scale);
        return new TransformerHeads(d, maxTools, labelW, labelB, toolW, toolB);
    }

    private static (float[] Mean, float[] Scale) Standardisation(float[][] x)
    {
        var d = x[0].Length;
        var mean = new float[d];
        var scale = new float[d];
        for (var j = 0; j < d; j++)
        {
            var m = x.Average(row => (double)row[j]);
            var variance = x.Average(row => (row[j] - m) * (row[j] - m));
            mean[j] = (float)m;
            scale[j] = (float)Math.Max(Math.Sqrt(variance), 1e-6);
        }
        return (mean, scale);
    }

    private static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(e => e / sum)];
    }

    /// <summary>A linear layer [inputs → outputs] with its gradients and Adam moments.</summary>
    private sealed class Linear(int inputs, int outputs)
    {
        private readonly double[] _w = new double[inputs * outputs];
        private readonly double[] _b = new double[outputs];
        private readonly double[] _gw = new double[inputs * outputs];
        private readonly double[] _gb = new double[outputs];
        private readonly double[] _mw = new double[inputs * outputs];
        private readonly double[] _vw = new double[inputs * outputs];
        private readonly double[] _mb = new double[outputs];
        private readonly double[] _vb = new double[outputs];

        public double[] Forward(float[] x)
        {
            var y = new double[outputs];
            for (var o = 0; o < outputs; o++)
            {
                var sum = _b[o];
                for (var j = 0; j < inputs; j++)
                {
                    sum += _w[j * outputs + o] * x[j];
                }
                y[o] = sum;
            }
            return y;
        }

        public void Accumulate(float[] x, int output, double gradient)
        {
            _gb[output] += gradient;
            for (var j = 0; j < inputs; j++)
            {
                _gw[j * outputs + output] += gradient * x[j];
            }
        }

        public void ZeroGradients()
        {
            Array.Clear(_gw);
            Array.Clear(_gb);
        }

        public void Step(float learningRate, float l2, int t)
        {
            Adam(_w, _gw, _mw, _vw, learningRate, l2, t);
            Adam(_b, _gb, _mb, _vb, learningRate, 0, t);
        }

        private static void Adam(double[] p, double[] g, double[] m, double[] v, float learningRate, float l2, int t)
        {
            const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
            for (var i = 0; i < p.Length; i++)
            {
                var grad = g[i] + l2 * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * grad;
                v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
                p[i] -= learningRate * (m[i] / (1 - Math.Pow(beta1, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(beta2, t))) + epsilon);
            }
        }

        /// <summary>The weights on raw inputs: W/σ, and b − Σ W·μ/σ.</summary>
        public (float[] W, float[] B) Fold(float[] mean, float[] scale)
        {
            var w = new float[inputs * outputs];
            var b = new float[outputs];
            for (var o = 0; o < outputs; o++)
            {
                var bias = _b[o];
                for (var j = 0; j < inputs; j++)
                {
                    var folded = _w[j * outputs + o] / scale[j];
                    w[j * outputs + o] = (float)folded;
                    bias -= folded * mean[j];
                }
                b[o] = (float)bias;
            }
            return (w, b);
        }
    }
}
