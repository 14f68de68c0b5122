namespace SafeMcp.WorldModel.Kernels;

/// <summary>The activation a linear kernel applies to its output.</summary>
public enum Activation
{
    /// <summary>None: the affine output as is.</summary>
    None,

    /// <summary>max(0, x).</summary>
    Relu,
}
