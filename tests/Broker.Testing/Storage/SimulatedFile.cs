namespace Broker.Testing.Storage;

/// <summary>
/// One simulated inode: what its bytes are now (<see cref="Current"/>, what reads see), what they
/// were at its last flush (<see cref="Durable"/>), and the changes in between in issue order.
/// Names point at inodes, so a handle keeps working across a rename or delete of its name.
/// </summary>
internal sealed class SimulatedFile(int id, SparseContent durable, SparseContent current, List<DataOperation> pending)
{
    public SimulatedFile(int id)
        : this(id, new SparseContent(), new SparseContent(), [])
    {
    }

    /// <summary>Creation order; materialisation visits files in this order so seeds replay exactly.</summary>
    public int Id { get; } = id;

    public SparseContent Durable { get; set; } = durable;

    public SparseContent Current { get; } = current;

    public List<DataOperation> Pending { get; } = pending;

    public int OpenReaders { get; set; }

    public int OpenWriters { get; set; }

    public void Flush()
    {
        Durable = Current.Clone();
        Pending.Clear();
    }
}
