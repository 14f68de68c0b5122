using Microsoft.ML.OnnxRuntime;
using SafeMcp.WorldModel.ModelFile;

namespace SafeMcp.WorldModel.Onnx;

/// <summary>
/// Opens an ONNX Runtime session on the best execution provider there is: CUDA when preferred and both the ONNX Runtime
/// build and the machine have it (appending the provider, then creating the session, are both tried), else the CPU.
/// </summary>
internal static class OnnxSessionFactory
{
    public const string Cuda = "CUDAExecutionProvider";
    public const string Cpu = "CPUExecutionProvider";

    /// <summary>The session, the provider it runs on and, when CUDA was preferred but not used, why.</summary>
    public static (InferenceSession Session, string Provider, string? FallbackReason) Create(string path, OnnxModelOptions options)
    {
        string? fallback = null;
        if (options.PreferCuda)
        {
            if (!OrtEnv.Instance().GetAvailableProviders().Contains(Cuda))
            {
                fallback = "this ONNX Runtime build has no CUDA provider (build with -p:OnnxRuntimeGpu=true for Microsoft.ML.OnnxRuntime.Gpu.Linux)";
            }
            else
            {
                var cuda = NewOptions(options);
                try
                {
                    cuda.AppendExecutionProvider_CUDA(0);
                    return (new InferenceSession(path, cuda), Cuda, null);
                }
                catch (OnnxRuntimeException e)
                {
                    fallback = "CUDA could not start: " + e.Message;
                }
                finally
                {
                    cuda.Dispose();
                }
            }
        }
        using var cpu = NewOptions(options);
        try
        {
            return (new InferenceSession(path, cpu), Cpu, fallback);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"The ONNX world model '{path}' cannot be loaded: {e.Message}");
        }
    }

    private static SessionOptions NewOptions(OnnxModelOptions options) => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = options.IntraOpThreads,
        InterOpNumThreads = 1,
    };
}
