using Broker.Disks.Crashes;

namespace Broker.Disks.Tests.Crashes;

public sealed class CrashPointTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_Unset_ArmsNothing(string? value)
    {
        CrashPointArming.Parse(value).ShouldBeNull();
    }

    [Theory]
    [InlineData("seal.after-child-created", "seal.after-child-created", 1)]
    [InlineData("merge.after-old-file-deleted#3", "merge.after-old-file-deleted", 3)]
    [InlineData("push.chunk-flushed#12", "push.chunk-flushed", 12)]
    public void Parse_NameAndHit_ArmsThatHit(string value, string name, int hit)
    {
        CrashPointArming.Parse(value).ShouldBe(new CrashPointArming(name, hit));
    }

    [Theory]
    [InlineData("seal")]
    [InlineData("Seal.after-child-created")]
    [InlineData("seal.after child")]
    [InlineData("seal.after-child-created#0")]
    [InlineData("seal.after-child-created#")]
    [InlineData("seal.after-child-created#-1")]
    [InlineData("seal.after-child-created#x")]
    [InlineData("a.b.c")]
    public void Parse_Malformed_Throws(string value)
    {
        Should.Throw<FormatException>(() => CrashPointArming.Parse(value));
    }

    [Theory]
    [InlineData("seal")]
    [InlineData("seal.")]
    [InlineData("SEAL.done")]
    public void Constructor_BadName_Throws(string name)
    {
        Should.Throw<ArgumentException>(() => new CrashPoint(name));
    }

    [Fact]
    public void DiskCrashPoints_HaveDistinctNames()
    {
        DiskCrashPoints.All.Select(point => point.Name).ShouldBeUnique();
        DiskCrashPoints.All.Count.ShouldBeGreaterThan(15);
    }

    [Fact]
    public void Hit_Unarmed_DoesNothing()
    {
        // The test process has no BROKER_CRASH_AT: every point can be passed any number of times.
        Environment.GetEnvironmentVariable(CrashPoint.EnvironmentVariable).ShouldBeNull();
        foreach (var point in DiskCrashPoints.All)
        {
            point.Hit();
            point.Hit();
        }
    }
}
