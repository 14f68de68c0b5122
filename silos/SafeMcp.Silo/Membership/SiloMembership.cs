using Microsoft.Extensions.Options;
using Npgsql;

namespace SafeMcp.Silo.Membership;

/// <summary>
/// This silo's membership: joins the table at start, heartbeats, declares silent silos dead, keeps the
/// current view, and leaves at stop. When it cannot renew its row for <see cref="MembershipOptions.SelfFenceAfter"/>
/// it stops deciding (<see cref="MayDecide"/>); when it finds itself declared dead it drops every
/// activation (through <see cref="Fenced"/>) and joins again as a new generation.
/// </summary>
internal sealed class SiloMembership : BackgroundService
{
    private readonly MembershipTable _table;
    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SiloMembership> _log;
    private long _generation;
    private long _lastRenewedTimestamp;
    private volatile MembershipView _view = MembershipView.Empty;

    public SiloMembership(NpgsqlDataSource dataSource, IOptions<SiloOptions> silo, IOptions<MembershipOptions> options, TimeProvider time, ILogger<SiloMembership> log)
    {
        _table = new MembershipTable(dataSource);
        _options = options.Value;
        _time = time;
        _log = log;
        Address = silo.Value.AdvertisedAddress;
        InternalUrl = silo.Value.InternalUrl ?? throw new InvalidOperationException("A cluster silo needs an internal (h2c) URL.");
        Name = silo.Value.Name;
    }

    /// <summary>This silo's public address (as placement sees it).</summary>
    public string Address { get; }

    /// <summary>This silo's h2c endpoint.</summary>
    public string InternalUrl { get; }

    /// <summary>This silo's name.</summary>
    public string Name { get; }

    /// <summary>The current incarnation (0 before joining).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The latest view of the active silos.</summary>
    public MembershipView View => _view;

    /// <summary>Whether this silo renewed its membership recently enough to decide.</summary>
    public bool MayDecide =>
        Generation > 0 && _time.GetElapsedTime(Interlocked.Read(ref _lastRenewedTimestamp)) < _options.SelfFenceAfter;

    /// <summary>Raised when the set of active silos changed.</summary>
    public event Action<MembershipView>? Changed;

    /// <summary>Raised when this silo was declared dead: every activation must drop.</summary>
    public event Func<Task>? Fenced;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await JoinAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The database is unreachable: keep trying; MayDecide turns false on its own.
                    _log.LogWarning("Membership heartbeat failed: {Error}", error.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _table.LeaveAsync(Address, Generation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            _log.LogWarning("Could not leave the membership table: {Error}", error.Message);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            attempt.CancelAfter(_options.SelfFenceAfter);
            if (await _table.HeartbeatAsync(Address, Generation, attempt.Token).ConfigureAwait(false))
            {
                Interlocked.Exchange(ref _lastRenewedTimestamp, started);
            }
            else
            {
                _log.LogWarning("Silo {Address} generation {Generation} was declared dead; dropping activations and joining again.", Address, Generation);
                Interlocked.Exchange(ref _lastRenewedTimestamp, 0);
                if (Fenced is { } fenced)
                {
                    await fenced().ConfigureAwait(false);
                }
                await JoinAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var version = await _table.ReadVersionAsync(cancellationToken).ConfigureAwait(false);
        if (await _table.DeclareDeadAsync(version, _options.DeadAfter, cancellationToken).ConfigureAwait(false) > 0)
        {
            _log.LogWarning("Declared silent silos dead (membership version was {Version}).", version);
            version = -1;
        }
        if (version != _view.Version)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task JoinAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var generation = await _table.JoinAsync(Address, InternalUrl, Name, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _generation, generation);
        Interlocked.Exchange(ref _lastRenewedTimestamp, started);
        _log.LogInformation("Silo {Address} joined as generation {Generation}.", Address, generation);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var view = await _table.ReadAsync(cancellationToken).ConfigureAwait(false);
        _view = view;
        Changed?.Invoke(view);
    }
}
