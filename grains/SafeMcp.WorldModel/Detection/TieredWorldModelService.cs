using System.Runtime.CompilerServices;
using SafeMcp.Grains.Tools;
using SafeMcp.WorldModel.Features;
using SafeMcp.WorldModel.Network;

namespace SafeMcp.WorldModel.Detection;

/// <summary>
/// The world model in tiers: the fast network (tier 1) checks every call in microseconds; the transformer (tier 2,
/// batched across sessions by its own service) decides the calls tier 1 is unsure of (<see cref="TieringOptions.Margin"/>)
/// and the calls of risky capabilities, within <see cref="TieringOptions.Budget"/>. Over budget or unavailable, tier 1's
/// answer stands, except that a risky call is denied when <see cref="TieringOptions.FailClosedOnRiskyTimeout"/> says so.
/// </summary>
public sealed class TieredWorldModelService : IWorldModelService
{
    private readonly IWorldModelService _fast;
    private readonly IWorldModelService _transformer;
    private readonly TieringOptions _options;
    private readonly Capability _risky;
    // Sessions keep their ToolInfo instances (SessionInputBuilder), so a tool's capabilities are classified once.
    private readonly ConditionalWeakTable<ToolInfo, StrongBox<Capability>> _capabilities = new();
    private long _escalated;
    private long _overBudget;

    public TieredWorldModelService(IWorldModelService fast, IWorldModelService transformer, TieringOptions options)
    {
        options.Validate();
        _fast = fast;
        _transformer = transformer;
        _options = options;
        _risky = options.Risky;
    }

    /// <summary>Checks the transformer was asked to decide.</summary>
    public long Escalated => Interlocked.Read(ref _escalated);

    /// <summary>Of those, checks it did not answer within the budget (tier 1's answer stood, or the call was denied).</summary>
    public long OverBudget => Interlocked.Read(ref _overBudget);

    /// <inheritdoc />
    public async ValueTask<CheckOutcome> CheckAsync(WorldModelInput input, CancellationToken cancellationToken)
    {
        switch (_options.Tier)
        {
            case WorldModelTier.Fast:
                return await _fast.CheckAsync(input, cancellationToken).ConfigureAwait(false);
            case WorldModelTier.Transformer:
                return await _transformer.CheckAsync(input, cancellationToken).ConfigureAwait(false);
        }
        var fast = await _fast.CheckAsync(input, cancellationToken).ConfigureAwait(false);
        var risky = IsRisky(input);
        if (!risky && !IsUnsure(fast.Prediction.LabelProbabilities, _options.Margin))
        {
            return fast;
        }
        Interlocked.Increment(ref _escalated);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_options.Budget);
        try
        {
            return await _transformer.CheckAsync(input, budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or WorldModelUnavailableException)
        {
            Interlocked.Increment(ref _overBudget);
            if (risky && _options.FailClosedOnRiskyTimeout)
            {
                throw new WorldModelUnavailableException($"the transformer did not decide a risky call within {_options.Budget.TotalMilliseconds} ms");
            }
            return fast;
        }
    }

    /// <summary>Whether the two likeliest labels are closer than <paramref name="margin"/>.</summary>
    public static bool IsUnsure(ReadOnlySpan<float> probabilities, double margin)
    {
        float first = 0, second = 0;
        foreach (var p in probabilities)
        {
            if (p > first)
            {
                second = first;
                first = p;
            }
            else if (p > second)
            {
                second = p;
            }
        }
        return first - second < margin;
    }

    private bool IsRisky(WorldModelInput input)
    {
        if (_risky == Capability.None || input.Current?.Action is not { } action)
        {
            return false;
        }
        foreach (var tool in input.Tools)
        {
            if (tool.Name == action)
            {
                var capabilities = _capabilities.GetValue(tool, static t => new StrongBox<Capability>(CapabilityClassifier.Classify(t.ToDescriptor()))).Value;
                return (capabilities & _risky) != 0;
            }
        }
        return false;
    }
}
