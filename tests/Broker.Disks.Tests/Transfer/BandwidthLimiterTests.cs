using Broker.Disks.Transfer;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Disks.Tests.Transfer;

public sealed class BandwidthLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _token = TestContext.Current.CancellationToken;

    [Fact]
    public void WaitAsync_WithinBurst_CompletesSynchronously()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);

        limiter.WaitAsync(600, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        limiter.WaitAsync(400, TransferPriority.Background, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_EmptyBucket_CompletesExactlyWhenTheTokensAreEarned()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();

        var wait = limiter.WaitAsync(500, TransferPriority.Foreground, _token).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(499));
        var earlyCompleted = wait.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        earlyCompleted.ShouldBeFalse();
        wait.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_RequestLargerThanBurst_WaitsForAFullBucketThenOwesTheRest()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(5000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();

        var next = limiter.WaitAsync(1, TransferPriority.Foreground, _token).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(4000));
        var afterDebt = next.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        afterDebt.ShouldBeFalse();
        next.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_SaturatedOverSimulatedTime_GrantsRateTimesTimeWithinOneBurst()
    {
        const long Rate = 10_000;
        const long Burst = 4_000;
        const int MaxRequest = 3_000;
        using var limiter = new BandwidthLimiter(Rate, Burst, _time);
        var random = new Random(11);
        var requests = new List<(int Bytes, Task Task)>();
        long granted = 0;

        for (var step = 1; step <= 1000; step++)
        {
            for (var i = 0; i < 3; i++)
            {
                var bytes = random.Next(1, MaxRequest + 1);
                var priority = random.Next(2) == 0 ? TransferPriority.Foreground : TransferPriority.Background;
                requests.Add((bytes, limiter.WaitAsync(bytes, priority, _token).AsTask()));
            }

            _time.Advance(TimeSpan.FromMilliseconds(10));
            granted = requests.Where(r => r.Task.IsCompletedSuccessfully).Sum(r => (long)r.Bytes);
            granted.ShouldBeLessThanOrEqualTo(Burst + (Rate * step / 100), $"after {step * 10} ms");
        }

        granted.ShouldBeGreaterThanOrEqualTo(Burst + (Rate * 10) - MaxRequest, "demand exceeded the rate all along");
    }

    [Fact]
    public void WaitAsync_ForegroundArrivingLater_IsServedBeforeWaitingBackground()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var background = limiter.WaitAsync(500, TransferPriority.Background, _token).AsTask();
        var foreground = limiter.WaitAsync(500, TransferPriority.Foreground, _token).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(500));
        var foregroundFirst = foreground.IsCompletedSuccessfully && !background.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(500));

        foregroundFirst.ShouldBeTrue();
        background.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public void WaitAsync_BackgroundWithTokensWhileForegroundWaits_Waits()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(900, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var foreground = limiter.WaitAsync(500, TransferPriority.Foreground, _token).AsTask();

        var background = limiter.WaitAsync(50, TransferPriority.Background, _token).AsTask();

        background.IsCompleted.ShouldBeFalse("100 tokens are there, but a foreground request waits");
        foreground.IsCompleted.ShouldBeFalse();
        limiter.WaitingCount.ShouldBe(2);
    }

    [Fact]
    public void WaitAsync_SamePriority_IsFirstInFirstOut()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(1000, TransferPriority.Background, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var first = limiter.WaitAsync(800, TransferPriority.Background, _token).AsTask();
        var second = limiter.WaitAsync(100, TransferPriority.Background, _token).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(700));
        var secondEarly = second.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(100));

        secondEarly.ShouldBeFalse("the smaller request queues behind the first");
        first.IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task WaitAsync_Cancelled_ThrowsAndLetsTheNextWaiterThrough()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_token);
        limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var cancelled = limiter.WaitAsync(1000, TransferPriority.Foreground, cancellation.Token).AsTask();
        var next = limiter.WaitAsync(200, TransferPriority.Background, _token).AsTask();

        await cancellation.CancelAsync();
        _time.Advance(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(cancelled);
        next.IsCompletedSuccessfully.ShouldBeTrue();
        limiter.WaitingCount.ShouldBe(0);
    }

    [Fact]
    public async Task WaitAsync_AlreadyCancelledToken_Throws()
    {
        using var limiter = new BandwidthLimiter(1000, 1000, _time);

        await Should.ThrowAsync<OperationCanceledException>(limiter.WaitAsync(1, TransferPriority.Foreground, new CancellationToken(canceled: true)).AsTask());
    }

    [Fact]
    public void SetRate_RaisedWhileWaiting_CompletesAtTheNewRate()
    {
        using var limiter = new BandwidthLimiter(100, 1000, _time);
        limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var wait = limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));

        limiter.SetRate(900, 1000);
        _time.Advance(TimeSpan.FromSeconds(1));

        wait.IsCompletedSuccessfully.ShouldBeTrue("100 tokens at the old rate plus 900 at the new one");
        limiter.BytesPerSecond.ShouldBe(900);
    }

    [Fact]
    public void SetRate_SmallerBurst_CapsTheBucket()
    {
        using var limiter = new BandwidthLimiter(1000, 10_000, _time);

        limiter.SetRate(1000, 500);

        limiter.WaitAsync(500, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        limiter.WaitAsync(1, TransferPriority.Foreground, _token).AsTask().IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task Dispose_WithWaiters_FailsThem()
    {
        var limiter = new BandwidthLimiter(1000, 1000, _time);
        limiter.WaitAsync(1000, TransferPriority.Foreground, _token).AsTask().IsCompletedSuccessfully.ShouldBeTrue();
        var wait = limiter.WaitAsync(10, TransferPriority.Foreground, _token).AsTask();

        limiter.Dispose();

        await Should.ThrowAsync<ObjectDisposedException>(wait);
    }

    [Fact]
    public async Task WaitAsync_RealClock_CompletesAfterRefill()
    {
        using var limiter = new BandwidthLimiter(1_000_000, 1000, TimeProvider.System);
        await limiter.WaitAsync(1000, TransferPriority.Foreground, _token);

        await limiter.WaitAsync(1000, TransferPriority.Background, _token);

        limiter.WaitingCount.ShouldBe(0);
    }
}
