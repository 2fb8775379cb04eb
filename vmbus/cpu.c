// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug: a CPU may go offline only when no open channel interrupts
 * it and it is not the CPU control messages arrive on, as upstream's
 * hv_synic_cleanup() decides; otherwise the host would signal a VP whose
 * SynIC is off. Move channels away first (channels/<relid>/cpu).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include "channel.h"

static struct hvg_conn *hp_conn;	/* set while the state is registered */
static enum cpuhp_state hp_state;

/* The first open channel bound to @cpu, or 0. */
static u32 bound_relid(struct hvg_conn *conn, unsigned int cpu)
{
	struct hvg_vmbus_channel *ch;
	u32 relid, found = 0;

	rcu_read_lock();
	for (relid = 1; relid <= READ_ONCE(conn->max_relid) && !found; relid++) {
		ch = rcu_dereference(conn->channels[relid]);
		if (ch && READ_ONCE(ch->state) != HVG_CHAN_OFFERED &&
		    READ_ONCE(ch->target_cpu) == cpu)
			found = relid;
	}
	rcu_read_unlock();
	return found;
}

static int cpu_down_prep(unsigned int cpu)
{
	u32 relid;

	if (cpu == hp_conn->connect_cpu) {
		pr_info("CPU %u receives VMBus messages: it stays online\n", cpu);
		return -EBUSY;
	}
	relid = bound_relid(hp_conn, cpu);
	if (relid) {
		pr_info("CPU %u has channel %u bound: move it first (channels/%u/cpu)\n",
			cpu, relid, relid);
		return -EBUSY;
	}
	return 0;
}

/**
 * hvg_cpu_init() - refuse to offline CPUs the connection needs
 * @conn: the connection
 *
 * Return: 0 or a negative errno.
 */
int hvg_cpu_init(struct hvg_conn *conn)
{
	int ret;

	hp_conn = conn;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hvg/vmbus:online",
					NULL, cpu_down_prep);
	if (ret < 0)
		return ret;
	hp_state = ret;
	return 0;
}

/**
 * hvg_cpu_exit() - let every CPU go offline again
 */
void hvg_cpu_exit(void)
{
	cpuhp_remove_state_nocalls(hp_state);
}
