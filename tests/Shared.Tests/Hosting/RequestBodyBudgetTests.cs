using ImageTrust.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ImageTrust.Shared.Tests.Hosting;

public sealed class RequestBodyBudgetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ReserveAsync_WithinCapacity_GrantedAtOnceAndReturnedOnDispose()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());

        var lease = await budget.ReserveAsync(60, CancellationToken.None);

        Assert.NotNull(lease);
        Assert.Equal(40, budget.AvailableBytes);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(100, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_MoreThanCapacity_RefusedWithoutWaiting()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());

        Assert.Null(await budget.ReserveAsync(101, CancellationToken.None));
        Assert.Equal(0, budget.WaitingCount);
        Assert.Equal(100, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_BudgetSpent_WaitsUntilBytesAreReturned()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());
        var first = await budget.ReserveAsync(80, CancellationToken.None);

        var second = budget.ReserveAsync(50, CancellationToken.None).AsTask();

        Assert.False(second.IsCompleted);
        Assert.Equal(1, budget.WaitingCount);
        first!.Dispose();
        using var granted = await second;
        Assert.NotNull(granted);
        Assert.Equal(50, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_BudgetSpentPastTheWait_RefusedAndNothingHeld()
    {
        var time = new FakeTimeProvider();
        var budget = new RequestBodyBudget(100, Wait, time);
        using var first = await budget.ReserveAsync(80, CancellationToken.None);

        var second = budget.ReserveAsync(50, CancellationToken.None).AsTask();
        time.Advance(Wait - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await second);
        Assert.Equal(0, budget.WaitingCount);
        first!.Dispose();
        Assert.Equal(100, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_Waiting_FirstComeFirstServed()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());
        var holder = await budget.ReserveAsync(60, CancellationToken.None);
        var large = budget.ReserveAsync(90, CancellationToken.None).AsTask();

        // 40 bytes are free, enough for the small one, but it does not overtake the large one queued before it.
        var small = budget.ReserveAsync(30, CancellationToken.None).AsTask();
        Assert.False(small.IsCompleted);
        holder!.Dispose();
        var largeLease = await large;
        Assert.False(small.IsCompleted);
        largeLease!.Dispose();
        using var smallLease = await small;

        Assert.NotNull(smallLease);
        Assert.Equal(70, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_LargeWaiterTimesOut_SmallerOneBehindItGetsIn()
    {
        var time = new FakeTimeProvider();
        var budget = new RequestBodyBudget(100, Wait, time);
        using var holder = await budget.ReserveAsync(60, CancellationToken.None);
        var large = budget.ReserveAsync(90, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        var small = budget.ReserveAsync(30, CancellationToken.None).AsTask();
        Assert.False(small.IsCompleted);

        time.Advance(Wait - TimeSpan.FromSeconds(1));

        Assert.Null(await large);
        using var smallLease = await small;
        Assert.NotNull(smallLease);
        Assert.Equal(10, budget.AvailableBytes);
    }

    [Fact]
    public async Task ReserveAsync_CancelledWhileWaiting_ThrowsAndLeavesTheQueue()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());
        using var holder = await budget.ReserveAsync(100, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = budget.ReserveAsync(10, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, budget.WaitingCount);
    }

    [Fact]
    public async Task TryGrow_RoomNow_AddsToTheReservation()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());
        var lease = await budget.ReserveAsync(10, CancellationToken.None);

        Assert.True(lease!.TryGrow(50));
        Assert.Equal(60, lease.Bytes);
        Assert.False(lease.TryGrow(41));
        Assert.Equal(60, lease.Bytes);
        lease.Dispose();
        Assert.Equal(100, budget.AvailableBytes);
    }

    [Fact]
    public async Task TryGrow_OthersWaiting_RefusedSoItDoesNotOvertakeThem()
    {
        var budget = new RequestBodyBudget(100, Wait, new FakeTimeProvider());
        using var lease = await budget.ReserveAsync(10, CancellationToken.None);
        using var holder = await budget.ReserveAsync(80, CancellationToken.None);
        var waiting = budget.ReserveAsync(20, CancellationToken.None).AsTask();

        Assert.False(lease!.TryGrow(5));
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public void Constructor_NoCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestBodyBudget(0, Wait, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestBodyBudget(1, TimeSpan.FromSeconds(-1), TimeProvider.System));
    }
}
