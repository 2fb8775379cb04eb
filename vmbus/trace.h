/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: one per VMBus control message sent or received
 * (events hvg_vmbus:hvg_vmbus_msg_send and hvg_vmbus:hvg_vmbus_msg_recv).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM hvg_vmbus

#if !defined(HVG_VMBUS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define HVG_VMBUS_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(hvg_vmbus_msg,
		    TP_PROTO(u32 msgtype, u32 len, int status),
		    TP_ARGS(msgtype, len, status),
		    TP_STRUCT__entry(__field(u32, msgtype)
				     __field(u32, len)
				     __field(int, status)),
		    TP_fast_assign(__entry->msgtype = msgtype;
				   __entry->len = len;
				   __entry->status = status;),
		    TP_printk("type=%u len=%u status=%d", __entry->msgtype,
			      __entry->len, __entry->status)
);

DEFINE_EVENT(hvg_vmbus_msg, hvg_vmbus_msg_send,
	     TP_PROTO(u32 msgtype, u32 len, int status),
	     TP_ARGS(msgtype, len, status)
);

DEFINE_EVENT(hvg_vmbus_msg, hvg_vmbus_msg_recv,
	     TP_PROTO(u32 msgtype, u32 len, int status),
	     TP_ARGS(msgtype, len, status)
);

#endif /* HVG_VMBUS_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
