using System.Diagnostics;

namespace Broker.Disks.Crashes;

/// <summary>
/// A named place in a durable step (design §7) where a test harness can kill the process: when the
/// environment variable <see cref="EnvironmentVariable"/> holds <c>&lt;name&gt;</c> or
/// <c>&lt;name&gt;#&lt;n&gt;</c>, the <c>n</c>-th <see cref="Hit"/> (the first by default) of the point with
/// that name sends SIGKILL to its own process. The variable is read once per process; unset, a hit
/// costs one test of a static read-only field.
/// </summary>
/// <remarks>
/// SIGKILL rather than <see cref="Environment.FailFast(string)"/>: it is exactly the <c>kill -9</c> the
/// harnesses simulate, nothing in the process runs after it (no finally blocks, finalizers, exit
/// handlers, buffered stream flushes, and no crash dump or abort handler as FailFast's SIGABRT
/// brings), and the parent sees a death by signal 9 (exit code 137) that no other failure produces.
/// What the process wrote to the kernel survives; what only it held in memory does not.
/// </remarks>
public sealed class CrashPoint
{
    /// <summary>The environment variable that arms a point: <c>&lt;name&gt;[#&lt;n&gt;]</c>.</summary>
    public const string EnvironmentVariable = "BROKER_CRASH_AT";

    private static readonly CrashPointArming? Armed = CrashPointArming.Parse(Environment.GetEnvironmentVariable(EnvironmentVariable));

    private int _hits;

    /// <summary>Declares the point <paramref name="name"/> (lowercase, e.g. <c>seal.after-child-created</c>).</summary>
    /// <exception cref="ArgumentException">The name is not <c>&lt;operation&gt;.&lt;step&gt;</c> in lowercase letters, digits and dashes.</exception>
    public CrashPoint(string name)
    {
        CrashPointArming.ValidateName(name);
        Name = name;
    }

    /// <summary>The stable name the harnesses arm it by.</summary>
    public string Name { get; }

    /// <summary>Marks that the step is done; kills the process when this point is armed and this is the armed hit.</summary>
    public void Hit()
    {
        if (Armed is not null && Armed.Name == Name)
        {
            Arrive(Armed.Hit);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private void Arrive(int armedHit)
    {
        var hit = Interlocked.Increment(ref _hits);
        if (hit != armedHit)
        {
            return;
        }

        Console.Error.WriteLine($"crash point {Name}#{hit} reached: SIGKILL");
        using (var self = Process.GetCurrentProcess())
        {
            self.Kill();
        }

        // Not reached: a signal a process sends itself is delivered before kill(2) returns.
        Environment.FailFast($"Crash point {Name}: SIGKILL did not end the process.");
    }
}
