namespace SafeMcp.WorldModel.Training;

/// <summary>A mean that can be reset between epochs.</summary>
public sealed class RunningMean
{
    private double _sum;
    private long _count;

    /// <summary>The mean so far (0 when empty).</summary>
    public double Mean => _count == 0 ? 0 : _sum / _count;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        _sum += value;
        _count++;
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        _sum = 0;
        _count = 0;
    }
}
