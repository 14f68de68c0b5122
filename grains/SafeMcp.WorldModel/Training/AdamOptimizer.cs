namespace SafeMcp.WorldModel.Training;

/// <summary>Adam over the flat parameter vector, with decoupled weight decay on every parameter.</summary>
public sealed class AdamOptimizer(int count, float learningRate, float weightDecay)
{
    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;
    private readonly float[] _m = new float[count];
    private readonly float[] _v = new float[count];
    private int _step;

    /// <summary>The step size; stages may change it.</summary>
    public float LearningRate { get; set; } = learningRate;

    /// <summary>Applies <paramref name="gradient"/> to <paramref name="parameters"/>, then clears the gradient.</summary>
    public void Step(float[] parameters, float[] gradient)
    {
        _step++;
        var correction1 = 1f - MathF.Pow(Beta1, _step);
        var correction2 = 1f - MathF.Pow(Beta2, _step);
        var rate = LearningRate;
        for (var i = 0; i < parameters.Length; i++)
        {
            var grad = gradient[i];
            if (grad == 0 && _m[i] == 0)
            {
                // Untouched embedding rows stay as they are: lazy updates keep a step cheap and rows independent.
                continue;
            }
            _m[i] = Beta1 * _m[i] + (1 - Beta1) * grad;
            _v[i] = Beta2 * _v[i] + (1 - Beta2) * grad * grad;
            var update = _m[i] / correction1 / (MathF.Sqrt(_v[i] / correction2) + Epsilon);
            parameters[i] -= rate * (update + weightDecay * parameters[i]);
            gradient[i] = 0;
        }
    }
}
