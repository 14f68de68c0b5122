using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Inference;
using SafeMcp.WorldModel.Kernels;
using SafeMcp.WorldModel.LookAhead;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Tests;

public sealed class InferenceCacheTests
{
    // The default width, so that the vector kernels run as in production.
    private static readonly ModelShape Shape = new(512, 32, 24, 16);

    [Fact]
    public void Cached_predictions_equal_uncached_predictions_bit_for_bit()
    {
        var weights = WorldModelWeights.Initialize(Shape, seed: 3);
        var predictor = new WorldModelPredictor(weights, CpuBackend.Instance, new LookAheadOptions());
        var inputs = Inputs();
        var expected = inputs.Select(i => predictor.Network.Predict([predictor.Extractor.Encode(i)])[0]).ToArray();

        // Cold, then warm, one by one and as one batch.
        AssertSame(expected, inputs.Select(i => predictor.Predict([i])[0]).ToArray());
        AssertSame(expected, predictor.Predict(inputs));
        AssertSame(expected, inputs.Select(i => predictor.Predict([i])[0]).ToArray());
    }

    [Fact]
    public void Caches_of_one_entry_still_predict_the_same()
    {
        var weights = WorldModelWeights.Initialize(Shape, seed: 4);
        var tiny = new InferenceCacheOptions { Instructions = 1, Tools = 1, ToolsInTask = 1, PrefixSteps = 1, RecentToolsInTask = 2 };
        var predictor = new WorldModelPredictor(weights, CpuBackend.Instance, new LookAheadOptions(), cache: tiny);
        var inputs = Inputs();
        var expected = predictor.Network.Predict(inputs.Select(predictor.Extractor.Encode).ToArray());

        AssertSame(expected, predictor.Predict(inputs));
        AssertSame(expected, predictor.Predict(inputs));
    }

    [Fact]
    public void Checks_from_several_threads_predict_as_one_thread_does()
    {
        var weights = WorldModelWeights.Initialize(Shape, seed: 5);
        var predictor = new WorldModelPredictor(weights, CpuBackend.Instance, new LookAheadOptions(), cache: new InferenceCacheOptions { Tools = 3, PrefixSteps = 2 });
        var inputs = Inputs();
        var expected = predictor.Network.Predict(inputs.Select(predictor.Extractor.Encode).ToArray());

        Parallel.For(0, 4 * inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var i = k % inputs.Count;
            AssertSame([expected[i]], predictor.Predict([inputs[i]]));
        });
    }

    [Fact]
    public void Equal_content_in_new_objects_finds_the_cached_entries()
    {
        var weights = WorldModelWeights.Initialize(Shape, seed: 6);
        var extractor = new FeatureExtractor(new FeatureHasher(Shape.Buckets), new FeatureOptions());
        var cache = new InferenceCache(extractor, new WorldModelNetwork(weights, CpuBackend.Instance), new InferenceCacheOptions());
        var longText = string.Join(' ', Enumerable.Repeat("word", 2000));

        var info = new ToolInfo("SendEmail", "Sends an email", longText);
        var tool = cache.Tool(info);
        var instruction = cache.Instruction(new string("Send the report".AsSpan()));
        var inTask = cache.ToolInTask(instruction, info);

        Assert.Same(tool, cache.Tool(new ToolInfo("SendEmail", "Sends an email", longText + " beyond what is read")));
        Assert.NotSame(tool, cache.Tool(new ToolInfo("SendEmail", "Sends an e-mail", longText)));
        Assert.Same(instruction, cache.Instruction("Send the report"));
        Assert.Same(tool, inTask.Tool);
        Assert.Same(inTask, cache.ToolInTask(cache.Instruction("Send the report"), new ToolInfo("SendEmail", "Sends an email", longText)));
        Assert.NotSame(inTask, cache.ToolInTask(cache.Instruction("Send the invoice"), info));
        Assert.Same(cache.PrefixStep(new TrajectoryStep("Read", "{}", "x", "a thought")), cache.PrefixStep(new TrajectoryStep("Read", "{}", "x", "another thought")));
    }

    [Fact]
    public void Bounded_cache_evicts_an_entry_unused_since_the_last_eviction_first()
    {
        var cache = new BoundedCache<string, int>(2);
        var created = 0;
        int Get(string key) => cache.GetOrAdd(key, 0, (_, _) => ++created);

        Get("a");
        Get("b");
        Get("a"); // b is now the least recently used
        Get("c");

        Assert.Equal(2, cache.Count);
        Assert.Equal(1, Get("a"));
        Assert.Equal(3, Get("c"));
        Assert.Equal(4, Get("b")); // created again
    }

    /// <summary>Checks that exercise every part of a bag: no instruction, no current action, a final answer, a repeated call, a long prefix, an empty action, JSON and free-text arguments.</summary>
    private static List<WorldModelInput> Inputs()
    {
        var inputs = TestModels.Rows().Select(r => r.Input).ToList();
        ToolInfo[] tools = [new("SearchEmails", "Search the mailbox", """{"type":"object","properties":{"query":{"type":"string"}}}"""),
            new("DeleteEmails", "Delete emails by id"), new("SendEmail"), new("ReadEmail", "Read one email")];
        var longPrefix = Enumerable.Range(0, 12).Select(i => new TrajectoryStep(i % 2 == 0 ? "SearchEmails" : "ReadEmail",
            $$$"""{"query":"q{{{i}}}","nested":{"deep":[true,false,"word {{{i}}}"]}}""", $"observation {i} with email words")).ToArray();
        inputs.Add(new WorldModelInput(null, tools, [], null));
        inputs.Add(new WorldModelInput("Search my email and send a summary", tools, longPrefix, new TrajectoryStep("SendEmail", """{"to":"bob"}""", null, "send it")));
        inputs.Add(new WorldModelInput("Search my email", tools, longPrefix, new TrajectoryStep("SearchEmails", "not json", null, null)));
        inputs.Add(new WorldModelInput("Delete the spam emails", tools, longPrefix[..3], new TrajectoryStep(null, null, null, "done")));
        inputs.Add(new WorldModelInput("Delete the spam emails", tools, longPrefix[..2], new TrajectoryStep("", "{}", null, null)));
        inputs.Add(new WorldModelInput("", [], longPrefix[..1], new TrajectoryStep("DeleteEmails", """{"ids":["all"]}""")));
        return inputs;
    }

    private static void AssertSame(IReadOnlyList<Prediction> expected, IReadOnlyList<Prediction> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            // Bit for bit: Equal on float arrays compares exact values.
            Assert.Equal(expected[i].LabelProbabilities, actual[i].LabelProbabilities);
            Assert.Equal(expected[i].ToolProbabilities, actual[i].ToolProbabilities);
            Assert.Equal(expected[i].NextState, actual[i].NextState);
        }
    }
}
