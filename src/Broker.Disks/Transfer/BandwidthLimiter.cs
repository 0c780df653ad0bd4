namespace Broker.Disks.Transfer;

/// <summary>
/// Token bucket that paces transfers to a byte rate. The bucket holds at most <see cref="BurstBytes"/>
/// tokens and refills at <see cref="BytesPerSecond"/>. A request for n bytes is granted once the
/// bucket holds min(n, burst) tokens, and then takes n (the bucket may go negative), so requests
/// larger than the burst pass too and the long-run rate still holds. Waiters are served first in,
/// first out within a priority, and a background request is served only while no foreground
/// request waits. Time comes from the injected <see cref="TimeProvider"/>; arithmetic is exact
/// (integers), so a wait ends exactly when the tokens are there. Thread-safe.
/// </summary>
public sealed class BandwidthLimiter : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private readonly LinkedList<Waiter> _foreground = new();
    private readonly LinkedList<Waiter> _background = new();

    // Guards every field below, both queues and the timer's schedule.
    private readonly Lock _lock = new();
    private long _bytesPerSecond;
    private long _burstBytes;
    private long _tokens;
    private long _lastRefill;

    // Refill progress smaller than one token, in (timestamp units × bytes per second), so no time is lost.
    private long _remainder;
    private bool _disposed;

    /// <param name="bytesPerSecond">Refill rate, at least 1.</param>
    /// <param name="burstBytes">Bucket size, at least 1; the bucket starts full.</param>
    /// <param name="timeProvider">Clock and timers.</param>
    public BandwidthLimiter(long bytesPerSecond, long burstBytes, TimeProvider timeProvider)
    {
        ValidateRate(bytesPerSecond, burstBytes);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _bytesPerSecond = bytesPerSecond;
        _burstBytes = burstBytes;
        _tokens = burstBytes;
        _lastRefill = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(_ => Process(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public long BytesPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _bytesPerSecond;
            }
        }
    }

    public long BurstBytes
    {
        get
        {
            lock (_lock)
            {
                return _burstBytes;
            }
        }
    }

    /// <summary>Requests waiting for tokens.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _foreground.Count + _background.Count;
            }
        }
    }

    /// <summary>Changes rate and burst; tokens earned so far count at the old rate, then the bucket is capped at the new burst.</summary>
    public void SetRate(long bytesPerSecond, long burstBytes)
    {
        ValidateRate(bytesPerSecond, burstBytes);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            _bytesPerSecond = bytesPerSecond;
            _burstBytes = burstBytes;
            _remainder = 0;
            _tokens = Math.Min(_tokens, burstBytes);
            GrantAndSchedule();
        }
    }

    /// <summary>
    /// Completes when <paramref name="bytes"/> may be sent. Completes synchronously, without
    /// allocating, when tokens are there and nobody of equal or higher priority waits.
    /// </summary>
    public ValueTask WaitAsync(int bytes, TransferPriority priority, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!Enum.IsDefined(priority))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "Unknown priority.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Refill();
            var queueAhead = priority == TransferPriority.Foreground ? _foreground.Count : _foreground.Count + _background.Count;
            if (queueAhead == 0 && _tokens >= Math.Min(bytes, _burstBytes))
            {
                _tokens -= bytes;
                return ValueTask.CompletedTask;
            }

            var waiter = new Waiter(this, bytes, priority == TransferPriority.Foreground ? _foreground : _background);
            waiter.Node = waiter.Queue.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).Limiter.Cancel((Waiter)state!, token), waiter);
            }

            GrantAndSchedule();
            return new ValueTask(waiter.Completion.Task);
        }
    }

    /// <summary>Fails every waiting request with <see cref="ObjectDisposedException"/> and stops the timer.</summary>
    public void Dispose()
    {
        List<Waiter> abandoned;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = [.. _foreground, .. _background];
            _foreground.Clear();
            _background.Clear();
        }

        _timer.Dispose();
        foreach (var waiter in abandoned)
        {
            waiter.Registration.Unregister();
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(BandwidthLimiter)));
        }
    }

    private static void ValidateRate(long bytesPerSecond, long burstBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burstBytes, 1);
    }

    private void Process()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            Refill();
            GrantAndSchedule();
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            waiter.Queue.Remove(waiter.Node);
            waiter.Completion.TrySetCanceled(cancellationToken);

            // The cancelled waiter may have been the head that held everyone else back.
            if (!_disposed)
            {
                Refill();
                GrantAndSchedule();
            }
        }
    }

    // Caller holds _lock and has refilled. Grants waiters in order while tokens last, then arms the
    // timer for the moment the next head can be granted.
    private void GrantAndSchedule()
    {
        while ((_foreground.First ?? _background.First) is { } node)
        {
            var waiter = node.Value;
            var needed = Math.Min(waiter.Bytes, _burstBytes);
            if (_tokens < needed)
            {
                _timer.Change(DelayUntil(needed), Timeout.InfiniteTimeSpan);
                return;
            }

            _tokens -= waiter.Bytes;
            waiter.Queue.Remove(node);
            waiter.Registration.Unregister();
            waiter.Completion.TrySetResult();
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void Refill()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = now - _lastRefill;
        _lastRefill = now;
        if (elapsed <= 0 || _tokens >= _burstBytes)
        {
            _remainder = 0;
            return;
        }

        var frequency = _timeProvider.TimestampFrequency;
        var earned = ((Int128)elapsed * _bytesPerSecond) + _remainder;
        var tokens = earned / frequency;
        var room = (Int128)_burstBytes - _tokens;
        if (tokens >= room)
        {
            _tokens = _burstBytes;
            _remainder = 0;
        }
        else
        {
            _tokens += (long)tokens;
            _remainder = (long)(earned % frequency);
        }
    }

    // Time until the bucket holds `needed` tokens, rounded up to a whole TimeSpan tick.
    private TimeSpan DelayUntil(long needed)
    {
        var frequency = _timeProvider.TimestampFrequency;
        var deficit = ((Int128)(needed - _tokens) * frequency) - _remainder;
        var units = (deficit + _bytesPerSecond - 1) / _bytesPerSecond;
        var ticks = ((units * TimeSpan.TicksPerSecond) + frequency - 1) / frequency;
        return TimeSpan.FromTicks((long)Int128.Clamp(ticks, 1, TimeSpan.MaxValue.Ticks / 2));
    }

    private sealed class Waiter(BandwidthLimiter limiter, int bytes, LinkedList<Waiter> queue)
    {
        public BandwidthLimiter Limiter { get; } = limiter;

        public int Bytes { get; } = bytes;

        public LinkedList<Waiter> Queue { get; } = queue;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
