using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Inference;

/// <summary>
/// A world model that checks a batch at a time: the fast network (tier 1, <see cref="WorldModelPredictor"/>) or a
/// transformer served through ONNX Runtime (tier 2, <see cref="Onnx.OnnxWorldModel"/>). The silo's batcher drives it from
/// one worker thread.
/// </summary>
public interface IWorldModel
{
    /// <summary>What it is and where it runs, for logs and command output (e.g. <c>onnx model.onnx on CPUExecutionProvider</c>).</summary>
    string Description { get; }

    /// <summary>Checks a batch; one conclusion per input, same order.</summary>
    CheckOutcome[] Check(IReadOnlyList<WorldModelInput> inputs);
}
