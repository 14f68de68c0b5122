using Microsoft.Extensions.Options;
using SafeMcp.Silo.Inference;
using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class BatchingInferenceServiceTests
{
    [Fact]
    public async Task Concurrent_checks_through_the_batching_service_equal_direct_checks()
    {
        var predictor = new WorldModelPredictor(WorldModelWeights.Initialize(TestModels.Tiny, seed: 8), CpuBackend.Instance, new LookAheadOptions());
        var inputs = Enumerable.Range(0, 12).SelectMany(_ => TestModels.Rows()).Select(r => r.Input).ToArray();
        await using var service = new BatchingInferenceService(predictor, Options.Create(new InferenceOptions { MaxBatch = 16, MaxDelayMicroseconds = 200 }));

        var outcomes = await Task.WhenAll(inputs.Select(input => Task.Run(() => service.CheckAsync(input, CancellationToken.None).AsTask())));

        for (var i = 0; i < inputs.Length; i++)
        {
            var direct = predictor.Check([inputs[i]])[0];
            Assert.Equal(direct.Label, outcomes[i].Label);
            Assert.Equal(direct.FilteredTools, outcomes[i].FilteredTools);
            Assert.Equal(direct.Prediction.LabelProbabilities, outcomes[i].Prediction.LabelProbabilities);
        }
        Assert.Equal(inputs.Length, service.Checks);
    }
}
