"""Hand-written, contact-center-style utterances for the intent detector, with labels.

Written for this project (no external source). One line per utterance: ``labels|text`` where
labels is
a comma-separated subset of ``escalation,churn,expansion`` or ``-`` for none of them. Most
negatives are
deliberate look-alikes. A fixed hash of the text puts about a quarter of the lines in a held-out
split
that training never sees (see ``signals.training.data.is_holdout``).
"""

from __future__ import annotations

_RAW = """
escalation|Can I speak to your supervisor please?
escalation|I want to talk to a manager right now.
escalation|Let me talk to someone else, this isn't working.
escalation|Get me a supervisor.
escalation|I need to speak with a real person, not a machine.
escalation|Is there a human I can talk to?
escalation|Can you transfer me to your manager?
escalation|I'd like to escalate this.
escalation|Put your boss on the phone.
escalation|I want someone higher up to look at this.
escalation|Who's in charge there? I want to talk to them.
escalation|Can I get a live agent?
escalation|Just put me through to a manager, please.
escalation|I'm done talking to you, get me your supervisor.
escalation|Is there anyone else I can speak with?
escalation|I'd rather talk to somebody else.
escalation|Transfer me to someone who can actually help.
escalation|I need to speak to the person in charge.
escalation|Can I please talk to a human being?
escalation|Let me speak with your team lead.
escalation|I want this escalated to a supervisor.
escalation|You're not helping, I want a manager.
escalation|Connect me with someone more senior.
escalation|Can your manager call me back?
escalation|I demand to speak to a supervisor.
escalation|Could I have a word with your manager?
escalation|okay can i talk to like a supervisor or something
escalation|uh I'd like to speak with a manager please
escalation|I want to talk to an actual person.
escalation|Please escalate my case to someone above you.
escalation|Get me someone who knows what they're doing.
escalation|Is your supervisor available?
escalation|I'm asking for a supervisor for the third time.
escalation|I would like to file a complaint with your manager.
escalation|Can you get a manager on the line?
escalation|Let me talk to a real human.
escalation|Put a supervisor on.
escalation|Can someone else help me with this?
escalation|I want to speak to someone with more authority.
escalation|Please hand me over to your supervisor.
escalation|I need a manager, now.
escalation|Could you pass me to your boss?
escalation|Stop reading the script and get me a real person.
escalation|Is there a supervisor I can speak to about this?
escalation|Transfer me to a live person please.
escalation|I want a different agent.
escalation|Can I talk to somebody in charge?
escalation|escalate this please
-|My manager asked me to call you about the invoice.
-|My supervisor wants a copy of the bill.
-|My boss told me to get a quote.
-|I'm the office manager here, I handle the account.
-|I am a manager at the store on Main Street.
-|Who is my account manager?
-|Can my account manager send me the contract?
-|I'll check with my manager and call you back.
-|My team lead approved the purchase.
-|The property manager has the keys.
-|How do I manage my notifications?
-|I use a password manager for my logins.
-|Did the person before me leave a note on my account?
-|You're the first person who actually helped, thank you.
-|I don't need a supervisor, you're doing fine.
-|No need to get a manager, I just need the number.
-|I'm not asking for a manager, just a refund.
-|Is this a real charge or a mistake?
-|Is the service live in my area yet?
-|My wife is the person on the account.
-|Can someone come out to fix the router?
-|Someone called me from your company yesterday.
-|Somebody used my card without permission.
-|I need to speak about my bill.
-|Can I talk about my order?
-|The agent yesterday told me it was fixed.
-|I spoke to a supervisor last week and she said it would be credited.
-|The manager at the branch was very helpful.
-|I have a question for customer service about delivery.
-|Thanks, you've been really helpful.
-|Who else is on the account besides me?
-|Anything else I need to do?
-|No, that's everything else, thanks.
-|Can you put a note on the account?
-|Let me talk to my husband first.
-|I'll speak with my wife and call back.
-|Can I speak to you about upgrading later?
churn|I want to cancel my service.
churn|I'd like to close my account.
churn|Please cancel my subscription.
churn|I'm switching to another provider.
churn|I'm going to leave you guys and go with Verizon.
churn|I want to terminate my contract.
churn|How do I cancel everything?
churn|I've had enough, I'm cancelling.
churn|I'm thinking about switching to a competitor.
churn|Can you just shut off my service at the end of the month?
churn|I want out of this contract.
churn|I'm done with this company.
churn|I'm going to take my business elsewhere.
churn|We're moving our lines over to T-Mobile.
churn|I found a cheaper provider and I'm leaving.
churn|What's the early termination fee if I cancel now?
churn|How much would it cost to get out of my contract?
churn|I don't want to renew, please close the account.
churn|I want to end my membership.
churn|I need to discontinue the service.
churn|Can you delete my account?
churn|Please deactivate my account.
churn|I'm not going to renew my plan.
churn|I want to port my number to another carrier.
churn|Cancel it, I don't want it anymore.
churn|I'd like to stop my service.
churn|I'm leaving, just tell me how to cancel.
churn|uh yeah I'm calling to cancel
churn|I want to cancel my internet.
churn|We're switching banks, I need to close this account.
churn|Your competitor offered me half the price, so I'm going with them.
churn|I want to get rid of this plan entirely.
churn|Go ahead and cancel my policy.
churn|I'm quitting your service.
churn|I'd like to terminate my account effective today.
churn|I want to cancel my phone line.
churn|This is the last straw, close my account.
churn|I'm calling to cancel my membership.
churn|What do I need to do to end my subscription?
churn|We've decided to go with a different company.
churn|I'm cancelling my cable, it's too expensive.
churn|Please cancel the service at my address.
churn|I want to close everything and leave.
churn|Is there a penalty for cancelling early?
churn|I'm canceling, I can't afford it.
churn|honestly I just want to cancel at this point
churn|I'm going to switch to Comcast.
churn|Can I cancel my account online or do I have to do it through you?
-|I want to cancel my order.
-|Can you cancel this order?
-|Please cancel the purchase I made yesterday.
-|I need to cancel my appointment for Tuesday.
-|Cancel the delivery, I won't be home.
-|How do I unsubscribe from the newsletter?
-|Please stop sending me marketing emails.
-|I want to unsubscribe from your promotional emails.
-|Can you cancel the payment I scheduled?
-|Cancel my reservation for Friday.
-|I don't want to cancel, I just want a discount.
-|I'm not cancelling, I'm just asking about the price.
-|I don't want to leave, but the bill is too high.
-|I'm not going to switch, I like the service.
-|I want to stay, can you help me with the bill?
-|I'd like to keep my account, just update the card.
-|Can I switch the card on file?
-|I need to switch my payment date.
-|I'd like to change my address, I'm moving house.
-|I'm moving to a new apartment next month, can I transfer service?
-|Can I leave a message for the technician?
-|Close the ticket, the issue is fixed.
-|You can close out that support ticket now.
-|Please close my old complaint, it was resolved.
-|Go ahead and close the dispute about the fee.
-|You can close the case, thanks.
-|My daughter wants to cancel her phone, does she need to call herself?
-|Did my husband cancel the order already?
-|Can I end the call now? I have what I need.
-|I'll leave it there, thanks for your help.
-|Can I cancel the transfer I just made?
-|What happens to my data if someone cancels?
-|The technician canceled the visit twice.
-|Stop the payment on check 1042.
-|I want to delete my old address from the profile.
-|Please remove the card ending in 4411.
-|I need to cancel my refund request, it arrived.
-|How do I switch to paperless billing?
-|I'd like to port my number in from my old carrier.
-|I don't want to close my account, I just want the late fee waived.
-|No I'm staying, just fix the internet.
-|I'm not leaving you guys, I just need help.
-|Is my contract up for renewal soon?
-|When does my contract end?
-|I'm going to cancel the old card and use the new one.
expansion|I'd like to upgrade my plan.
expansion|Can I add two more lines?
expansion|We need five more seats for the new hires.
expansion|What would it cost to go to the premium tier?
expansion|I want to add another user to our account.
expansion|Can we get more licenses?
expansion|We're growing and need a bigger plan.
expansion|I'd like to buy more storage.
expansion|Can I add a line for my son?
expansion|Is there a higher tier with more data?
expansion|We're hiring ten people next month, can we add seats?
expansion|How do I upgrade to unlimited?
expansion|I want to switch up to the business plan.
expansion|Can I add the sports package?
expansion|What's included in the enterprise plan? We might move up.
expansion|We want to expand to our second location.
expansion|Can I get an extra phone on my account?
expansion|I'd like to purchase additional licenses.
expansion|I'm interested in the family plan for all four of us.
expansion|Could you upgrade my internet speed?
expansion|We need to add three new users.
expansion|I want the faster package.
expansion|Can I buy another device on the same plan?
expansion|We'd like to scale up our subscription.
expansion|Sign me up for the premium plan.
expansion|I want to order more units for the office.
expansion|How much to bump us up to the pro plan?
expansion|Add a second line please.
expansion|I'd like to buy several more of those.
expansion|We need more seats, the team doubled.
expansion|Can I upgrade my phone and add a tablet?
expansion|yeah I think we'd want the bigger package actually
expansion|Is it possible to add more channels to my TV plan?
expansion|I'd like to step up to the gold membership.
expansion|Can we get additional users on the enterprise account?
expansion|I want to purchase a bundle with internet and TV.
-|I want to downgrade to the basic plan.
-|Can you move me to a cheaper plan?
-|We need fewer seats next quarter.
-|Please remove two lines from my account.
-|I need more time to pay the bill.
-|Can you give me more information about my invoice?
-|You charged me more than last month.
-|I don't want to add anything, just fix the bill.
-|I'm not interested in upgrading.
-|No thanks, I don't need more data.
-|Where is my order?
-|What's the status of my order?
-|I got the wrong order.
-|I need to add my new card.
-|Can I add a note to the account?
-|I'd like to update my address.
-|One more question about my bill.
-|It's getting more expensive every month.
-|I have more problems with the internet.
-|The service keeps dropping more and more.
-|I want to switch to the free plan.
-|Is there a lower tier?
-|My husband wants to upgrade his phone, does he need to call?
-|I don't want any more lines, I have too many already.
-|Can I cut the number of licenses down to five?
-|Can you explain the extra charges?
-|Why is there an additional fee?
-|I ordered a router last week and it hasn't come.
-|Can I reduce my seats to ten?
-|I need the order number for my records.
-|Can I talk to you about my plan? It's confusing.
-|Your plans are too expensive.
-|I'd like to change the plan start date.
-|How many lines do I have right now?
-|Is there anything else I should know?
-|Hello, I'm calling about my bill.
-|Yes, that's correct.
-|My account number is 4421 8890.
-|The internet has been down since Monday.
-|Can you confirm my address?
-|I'd like a refund for last month.
-|Thanks, have a good day.
-|Okay, I'll wait.
-|Sure, go ahead.
-|I was charged twice this month.
-|My password doesn't work.
-|Can you resend the invoice to my email?
-|When will the technician arrive?
-|The app keeps crashing on my phone.
-|I'm not happy with how long this is taking.
-|This is ridiculous, I've been on hold for an hour.
churn|I'm thinking of leaving.
churn|Honestly I'm done, I want out.
churn|I've been a customer ten years but I'm seriously thinking about leaving.
churn|If this isn't fixed today I'm going elsewhere.
churn|Just close it all down, I'm finished with you people.
churn|I'd like to know how to cancel, I'm moving to a different provider.
churn|I want to stop paying for this service, cancel it.
churn|Yeah so we're looking at other providers right now.
churn|I'm not renewing when the contract ends.
churn|Please process my cancellation.
churn|I want to cancel, what do I need to do?
churn|I'm ready to walk away from this service.
churn|Can I terminate early without the fee?
-|Does my wife need to cancel her account herself?
-|My son wants to close his account, can he do it online?
-|My neighbor said she cancelled her service last week, is that true?
-|My mom is thinking of leaving, what deals do you have for her?
-|Does my husband have to call to cancel his line?
-|My friend switched to another provider and regretted it.
-|A lot of my friends are leaving, but I like you guys.
-|She wants to cancel her appointment, not the service.
-|Is it true they're canceling the old plans?
-|Are you guys shutting down the store on Main Street?
-|I'm not thinking about leaving at all.
-|I was going to cancel but you fixed it, thanks.
-|What's the cancellation policy for orders?
-|If I cancel the order will I get a refund?
-|Cancel the callback, I'm still on the line.
-|Did you cancel the technician visit?
-|I'm leaving for vacation next week, can I pause deliveries?
-|I'm moving to Denver, can I take my service with me?
expansion|Can we add a line for my daughter?
expansion|I want to add my wife to the plan.
expansion|We'd like another five licenses please.
expansion|What would it take to get the bigger data plan?
expansion|Could I add a tablet to my plan?
expansion|I'm interested in adding home security to my package.
expansion|We're opening a new office and need service there too.
expansion|Can I get the premium channels added?
expansion|I'd like more bandwidth, what plans do you have above mine?
expansion|Go ahead and add the extra seat.
-|Does my husband need to call to upgrade his phone?
-|My boss wants to know if we can get fewer licenses.
-|Can my daughter see what plan she's on?
-|I'd like to add my new email address.
-|Please add my new phone number to the file.
-|I don't need extra lines, thanks.
-|We're not adding anyone this year.
-|I'd like to know more about my bill.
-|Why did my bill go up more this month?
-|I need more help with the router.
escalation|Can I talk to a real person please?
escalation|Honestly, put someone else on the phone.
escalation|I'd like to speak to whoever is in charge.
escalation|Can I get your supervisor's name and talk to them?
escalation|Transfer me to a supervisor, I'm done with this.
-|My supervisor wanted me to check on the order.
-|My manager said you'd send a quote.
-|Can my manager be added as an authorized user?
-|I talked to a supervisor yesterday and she fixed it.
-|The agent I talked to earlier was great.
-|Can someone call me back about the outage?
-|Is there someone who can come out tomorrow?
-|Who else can see my account?
churn,escalation|I want to cancel my account, get me a supervisor.
churn,escalation|If you can't fix this, let me talk to your manager, or I'm cancelling.
"""


def handwritten() -> list[tuple[str, frozenset[str]]]:
    """All hand-written examples as ``(text, labels)``; labels is a set of intents (maybe empty)."""
    out: list[tuple[str, frozenset[str]]] = []
    for line in _RAW.strip().splitlines():
        labels, _, text = line.partition("|")
        if not text.strip():
            continue
        tags = frozenset() if labels.strip() == "-" else frozenset(labels.strip().split(","))
        out.append((text.strip(), tags))
    return out
